//! Work spread over the machine's cores, results in order: loading and analysing a set of
//! scripts, building service directories, writing a manifest's records.

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
}
