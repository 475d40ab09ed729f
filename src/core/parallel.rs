//! Work spread over the machine's cores, results in order: loading and analysing a set of
//! scripts, building service directories, writing a manifest's records as they are made.

/// The cores this process may use, asked once: the answer reads the cgroup's files (about 15
/// system calls), and a compile spreads three stages over them.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The stack each worker thread reserves. Parsing a script needs stack in proportion to its
/// brackets, quotes and compound keywords (`shell::parse::stack`), and a script that needs more
/// than its thread has left is parsed on a thread of its own: with the default 2 MiB, one made
/// for each script of more than about 450 of them, which began with a fresh stack and a fresh
/// allocator heap, both faulted in page by page. This much, reserved but only touched as deep as
/// a parse goes, holds scripts three times the size of the largest real one seen (1,220, which
/// needs 5 MiB in a release build). The calling thread works with the stack it has (8 MiB for a
/// main thread under the usual limit), the same rule holding for it.
const WORKER_STACK: usize = 16 << 20;

/// `f` over every item on all the machine's cores, each thread taking the next item as it
/// finishes one (scripts differ a lot in size); results in the items' order. The calling thread
/// is one of the workers: it would only wait otherwise, and a thread made for it began its share
/// late (its stack mapped, the scheduler asked) while the others had started.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            mine.push((i, f(item)));
        }
        mine
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads)
            .map(|_| {
                let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
                worker.spawn_scoped(s, work).expect("a worker thread can be made")
            })
            .collect();
        let mut all = work();
        for h in handles {
            all.append(&mut h.join().expect("no work item panics"));
        }
        all
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// `f` over every item on all the machine's cores, each result handed to `sink` on the calling
/// thread in the items' order as soon as it and those before it are made. The other threads stay
/// at most `ahead` items past the last result handed over, so what is held at once stays small
/// however many items there are, and the calling thread makes results itself, within the same
/// bound, whenever the next one is not ready. The first error from `sink` stops the work and is
/// returned.
pub fn in_order<T: Sync, R: Send, E>(
    items: &[T],
    ahead: usize,
    f: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

    struct Shared<R> {
        done: std::collections::BTreeMap<usize, R>,
        handed: usize,
        stop: bool,
    }
    /// Stops the run if a worker's `f` panics, so the caller does not wait for its result.
    struct StopOnPanic<'a, R>(&'a Mutex<Shared<R>>, &'a Condvar);
    impl<R> Drop for StopOnPanic<'_, R> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
                self.1.notify_all();
            }
        }
    }

    let ahead = ahead.max(1);
    let threads = cores().min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    let shared = Mutex::new(Shared { done: std::collections::BTreeMap::new(), handed: 0, stop: false });
    let changed = Condvar::new();
    let lock = || -> MutexGuard<'_, Shared<R>> { shared.lock().unwrap_or_else(PoisonError::into_inner) };
    let make = |i: usize, item: &T| {
        let r = f(item);
        lock().done.insert(i, r);
        changed.notify_all();
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
            worker
                .spawn_scoped(s, || {
                    let _stop = StopOnPanic(&shared, &changed);
                    loop {
                        let i = next.fetch_add(1, Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let mut g = lock();
                        while !g.stop && i >= g.handed + ahead {
                            g = changed.wait(g).unwrap_or_else(PoisonError::into_inner);
                        }
                        if g.stop {
                            break;
                        }
                        drop(g);
                        make(i, item);
                    }
                })
                .expect("a worker thread can be made");
        }
        let handed = (|| {
            loop {
                let mut g = lock();
                if g.handed == items.len() || g.stop {
                    return Ok(());
                }
                let at = g.handed;
                if let Some(r) = g.done.remove(&at) {
                    g.handed += 1;
                    drop(g);
                    changed.notify_all();
                    sink(r)?;
                    continue;
                }
                // The next result is being made on another thread. Make one meanwhile, within the
                // same bound as the others: without it, this thread ran through every item left
                // whenever that one stalled (382 of 400 held at once, seen in the test below).
                if next.load(Relaxed) < at + ahead {
                    drop(g);
                    let i = next.fetch_add(1, Relaxed);
                    if let Some(item) = items.get(i) {
                        make(i, item);
                        continue;
                    }
                    g = lock();
                }
                // Every item up to the bound is taken, the next one by a thread that is not
                // waiting for room: wait for its result.
                while !g.stop && !g.done.contains_key(&g.handed) {
                    g = changed.wait(g).unwrap_or_else(PoisonError::into_inner);
                }
            }
        })();
        lock().stop = true;
        changed.notify_all();
        handed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_in_order_whatever_thread_takes_it() {
        let items: Vec<usize> = (0..1000).collect();
        let on: std::sync::Mutex<std::collections::HashSet<std::thread::ThreadId>> = Default::default();
        let out = in_parallel(&items, |i| {
            on.lock().unwrap().insert(std::thread::current().id());
            // Uneven work, so that the threads take turns in no fixed pattern.
            std::thread::sleep(std::time::Duration::from_micros((*i % 7) as u64 * 10));
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let on = on.into_inner().unwrap();
        assert!(on.len() <= cores());
        // The caller starts on the items at once: 1,000 of them, most taking tens of
        // microseconds, cannot all be gone before it does.
        assert!(on.contains(&std::thread::current().id()));
    }

    #[test]
    fn no_items_no_results() {
        assert!(in_parallel(&[] as &[u8], |_| unreachable!()).is_empty());
    }
    #[test]
    fn in_order_hands_every_result_over_in_order() {
        let items: Vec<usize> = (0..500).collect();
        let mut got = Vec::new();
        let r: Result<(), ()> = in_order(
            &items,
            8,
            |i| {
                std::thread::sleep(std::time::Duration::from_micros((*i % 5) as u64 * 20));
                i * 3
            },
            |x| {
                got.push(x);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(got, items.iter().map(|i| i * 3).collect::<Vec<_>>());
    }

    #[test]
    fn in_order_holds_few_results_however_many_items() {
        let items: Vec<usize> = (0..400).collect();
        let made = std::sync::atomic::AtomicUsize::new(0);
        let mut most = 0;
        let mut handed = 0;
        let r: Result<(), ()> = in_order(
            &items,
            4,
            |_| made.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
            |_| {
                handed += 1;
                // A slow writer: the makers would run far ahead if nothing held them back.
                std::thread::sleep(std::time::Duration::from_micros(50));
                most = most.max(made.load(std::sync::atomic::Ordering::SeqCst) - handed);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        // `ahead` for the other threads, plus the one the calling thread may make.
        assert!(most <= 4 + cores(), "{most} results were waiting");
    }

    #[test]
    fn in_order_caller_keeps_to_the_bound_while_another_thread_stalls() {
        let items: Vec<usize> = (0..200).collect();
        let caller = std::thread::current().id();
        let made = std::sync::atomic::AtomicUsize::new(0);
        let mut most = 0;
        let mut handed = 0;
        let r: Result<(), ()> = in_order(
            &items,
            4,
            |_| {
                // Every item another thread takes is slow: the caller, whose next result is then
                // never ready, would make every item left if nothing held it back.
                if std::thread::current().id() != caller {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                made.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            },
            |_| {
                handed += 1;
                most = most.max(made.load(std::sync::atomic::Ordering::SeqCst) - handed);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(handed, 200);
        assert!(most <= 4 + cores(), "{most} results were waiting");
    }

    #[test]
    fn in_order_stops_at_the_first_error() {
        let items: Vec<usize> = (0..10_000).collect();
        let made = std::sync::atomic::AtomicUsize::new(0);
        let mut handed = Vec::new();
        let r = in_order(
            &items,
            16,
            |i| {
                made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                *i
            },
            |x| {
                if x == 30 {
                    return Err("full disk");
                }
                handed.push(x);
                Ok(())
            },
        );
        assert_eq!(r, Err("full disk"));
        assert_eq!(handed, (0..30).collect::<Vec<_>>());
        assert!(made.load(std::sync::atomic::Ordering::SeqCst) < 100);
    }

    #[test]
    fn in_order_of_nothing_hands_nothing() {
        let r: Result<(), ()> = in_order(&[] as &[u8], 4, |_| unreachable!(), |_: ()| unreachable!());
        assert_eq!(r, Ok(()));
    }
}
