//! The binary's allocator: mimalloc, asked through its plain entry points wherever they give the
//! alignment a request needs.
//!
//! The `mimalloc` crate passes every request to `mi_malloc_aligned`, whose checks and extra call
//! levels cost a lint of the corpus about 2.5% of its CPU time (`perf`), though nearly every
//! request (strings, vectors of pointers, syntax-tree nodes) asks for an alignment of 8 or less.
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
