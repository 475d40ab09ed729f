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
/// needs 5 MiB in a release build).
const WORKER_STACK: usize = 16 << 20;

/// `f` over every item on all the machine's cores, each thread taking the next item as it
/// finishes one (scripts differ a lot in size); results in the items' order.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
                worker
                    .spawn_scoped(s, || {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            mine.push((i, f(item)));
                        }
                        mine
                    })
                    .expect("a worker thread can be made")
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("no work item panics")).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
