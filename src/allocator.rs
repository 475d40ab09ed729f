//! The binary's allocator: mimalloc, asked through its plain entry points wherever they give the
//! alignment a request needs, and the one mimalloc option rc2s6 sets (the purge delay).
//!
//! The `mimalloc` crate passes every request to `mi_malloc_aligned`, whose checks and extra call
//! levels are spent on requests that nearly all (strings, vectors of pointers, syntax-tree nodes)
//! ask for an alignment of 8 or less: going around them took 2.9% off the instructions of a lint
//! of the corpus and 1.2% off its CPU time (callgrind; alternated runs).
//! Every block mimalloc hands out is aligned to at least a pointer's size: its own
//! `mi_realloc_aligned` relies on that and reallocates such requests with plain `mi_realloc`
//! (alloc-aligned.c, "alignment <= sizeof(uintptr_t)"), which is the rule used here.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

unsafe extern "C" {
    fn mi_malloc(size: usize) -> *mut c_void;
    fn mi_zalloc(size: usize) -> *mut c_void;
    fn mi_realloc(p: *mut c_void, newsize: usize) -> *mut c_void;
}

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the 16th of `mi_option_e`; the
/// libmimalloc-sys crate does not name it).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

unsafe extern "C" {
    /// mimalloc's `void mi_option_set(mi_option_t option, long value)`.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// How many milliseconds mimalloc waits before it gives freed memory back to the system;
/// negative: never.
pub fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: mimalloc's options may be set at any time from any thread (mimalloc.h).
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, ms) }
}

/// The largest alignment every mimalloc block has: `sizeof(uintptr_t)`.
const PLAIN_ALIGN: usize = std::mem::size_of::<usize>();

/// mimalloc, through `mi_malloc`/`mi_zalloc`/`mi_realloc` for alignments up to a pointer's size
/// and through the `mimalloc` crate (the aligned entry points) above that.
pub struct Mimalloc;

// SAFETY: mi_malloc, mi_zalloc and mi_realloc return null or a block of at least the size asked,
// aligned to at least PLAIN_ALIGN (above), which every layout they are given asks for at most;
// the others go to the mimalloc crate's allocator unchanged, and every block, however made, is
// freed by mi_free.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            // SAFETY: any size may be asked of mi_malloc.
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            // SAFETY: any size may be asked of mi_zalloc.
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on (mi_free frees every mimalloc block).
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            // SAFETY: `ptr` is a live mimalloc block (the caller's contract).
            unsafe { mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to a few pages at every alignment up to a page: the block is aligned, holds
    /// what was written through a grow and a shrink, and the zeroed one reads zero. (With plain
    /// entry points for alignments of 16, this fails: a 24-byte block is only 8-aligned.)
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let sizes = (1..=600).chain([1023, 1024, 1025, 4095, 4096, 65_536, 1 << 20]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let layout = Layout::from_size_align(size, align).expect("a valid layout");
                // SAFETY: the layout has a non-zero size; each block is used within its size and
                // freed once, with the layout it has at that time.
                unsafe {
                    let p = Mimalloc.alloc(layout);
                    assert!(!p.is_null() && p as usize % align == 0, "alloc {size}/{align}");
                    for i in 0..size {
                        *p.add(i) = i as u8;
                    }
                    let grown = Mimalloc.realloc(p, layout, size * 3);
                    assert!(!grown.is_null() && grown as usize % align == 0, "grow {size}/{align}");
                    assert!((0..size).all(|i| *grown.add(i) == i as u8), "grow kept {size}/{align}");
                    let grown_layout = Layout::from_size_align(size * 3, align).expect("a valid layout");
                    let shrunk = Mimalloc.realloc(grown, grown_layout, size.div_ceil(2));
                    assert!(!shrunk.is_null() && shrunk as usize % align == 0, "shrink {size}/{align}");
                    assert!((0..size.div_ceil(2)).all(|i| *shrunk.add(i) == i as u8), "shrink kept {size}/{align}");
                    Mimalloc.dealloc(shrunk, Layout::from_size_align(size.div_ceil(2), align).expect("a valid layout"));
                    let z = Mimalloc.alloc_zeroed(layout);
                    assert!(!z.is_null() && z as usize % align == 0, "zeroed {size}/{align}");
                    assert!((0..size).all(|i| *z.add(i) == 0), "zeroed {size}/{align} reads zero");
                    Mimalloc.dealloc(z, layout);
                }
            }
        }
    }
}
