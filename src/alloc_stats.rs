//! A measurement build's allocator (`cargo build --release --features alloc-stats`): the
//! binary's own (`allocator::Mimalloc`), counting the bytes live and their peak, printed to
//! stderr at the points the compile marks and at exit. Resident memory (`/usr/bin/time -f %M`) says how much a run holds; this says
//! what is live when, which is what a change to what a batch keeps moves. Not in normal builds.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::allocator::Mimalloc;

/// The binary's allocator with counters.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn added(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the binary's allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        added(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { Mimalloc.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        added(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { Mimalloc.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { Mimalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        added(new_size);
        // SAFETY: the caller's contract, passed on.
        unsafe { Mimalloc.realloc(ptr, layout, new_size) }
    }
}

/// Prints the bytes live now and the peak so far, after `label`.
pub fn mark(label: &str) {
    let mb = |n: usize| n as f64 / 1e6;
    eprintln!(
        "alloc-stats: {label}: live {:.1} MB, peak {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed)),
        mb(PEAK.load(Ordering::Relaxed))
    );
}
