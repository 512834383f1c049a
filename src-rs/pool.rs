//! Thread pools, built once per thread count and shared by every scan that asks for that
//! count: many concurrent scans do not multiply threads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::ThreadPool;

/// The machine's available parallelism, read once: std reads cgroup files and the affinity
/// mask each time it is asked, which costs more than sizing a small tree.
pub fn default_threads() -> usize {
    static N: OnceLock<usize> = OnceLock::new();
    *N.get_or_init(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

pub fn get(threads: usize) -> Arc<ThreadPool> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    pools
        .entry(threads)
        .or_insert_with(|| {
            Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(move |i| format!("dirsize-{threads}-{i}"))
                    .build()
                    .expect("cannot start the dirsize thread pool"),
            )
        })
        .clone()
}
