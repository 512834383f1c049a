//! `Scan`: a scan ready to run, the one entry point every caller uses (the Node binding, the
//! tests, the benchmark, the Wine check).
//!
//! It owns what a walk needs and what every caller used to set up by hand: the compiled
//! filter, the thread pool, and a state whose counter slots cover every thread of that pool
//! (slot 0 for the calling thread, one per worker), so that invariant lives here alone.
//!
//! Kept to Rust 1.63, with the walker: see lib.rs.

use std::ffi::{CStr, CString};
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use crate::export::Export;
use crate::groups::Counting;
use crate::options::{Filter, OptionError, ScanOptions};
use crate::result::{Progress, RootResult, ScanFailure, ScanResult};
use crate::walk::{walk_roots, ScanState};

/// A scan: options compiled, pool started, counters at zero. Meant to run once (its
/// counters and its cancellation carry over to a second run).
pub struct Scan {
    options: ScanOptions,
    filter: Filter,
    counting: Counting,
    /// None: one thread, walked serially on the caller's.
    pool: Option<Arc<rayon::ThreadPool>>,
    state: ScanState,
    export: Option<Export>,
}

impl Scan {
    /// Compiles `options` and starts (or finds) the pool. The error names the option: a
    /// pattern that does not compile, or `threads` when the system will not start that many.
    pub fn new(options: &ScanOptions) -> Result<Scan, OptionError> {
        Scan::cancelled_by(options, Arc::default())
    }

    /// Like `new`, with a cancellation flag the caller may set from anywhere (an
    /// AbortSignal's handler) to stop the scan.
    pub fn cancelled_by(options: &ScanOptions, cancel: Arc<AtomicBool>) -> Result<Scan, OptionError> {
        let filter = Filter::new(options)?;
        let counting = Counting::new(options)?;
        // The pool starts here, before any work, where a failure (the system refusing that
        // many threads) can be an error naming `threads` rather than a panic mid-walk.
        let pool = match options.thread_count() {
            1 => None,
            n => Some(crate::pool::try_get(n).map_err(|e| OptionError {
                option: "threads",
                message: format!("threads: cannot start {} threads: {}", n, e),
                out_of_range: true,
            })?),
        };
        let workers = pool.as_ref().map_or(0, |p| p.current_num_threads());
        Ok(Scan { options: options.clone(), filter, counting, pool, state: ScanState::new(workers, cancel), export: None })
    }

    /// This scan also saves what it walks in ncdu's JSON format (export.rs), with ncdu's
    /// extended fields if asked; `write_export` hands the document out once it has run.
    /// ncdu's format holds one tree: meant for a scan of one root.
    pub fn exporting(mut self, root: &CStr, extended: bool) -> Scan {
        let name = crate::export::root_name(root, self.options.follow_symlinks);
        self.export = Some(Export::new(name, extended, self.options.count_links));
        self
    }

    /// The document of a scan made `exporting`, after its run, in chunks to `sink` (which
    /// says false to stop it). False when nothing was written whole: no export, no root to
    /// write (it could not be read), or the sink stopped it.
    pub fn write_export(&self, timestamp: u64, sink: impl FnMut(Vec<u8>) -> bool) -> bool {
        match &self.export {
            Some(e) => e.write(timestamp, sink),
            None => false,
        }
    }

    /// Asks the walk to stop; it ends with `ScanFailure::Aborted`.
    pub fn cancel(&self) {
        self.state.cancel();
    }

    /// What is counted so far (exact once the walk has ended).
    pub fn progress(&self) -> Progress {
        self.state.progress()
    }

    /// Scans `roots` and keeps every root's result.
    pub fn run(&self, roots: &[CString]) -> Result<ScanResult, ScanFailure> {
        let mut kept = Vec::with_capacity(roots.len());
        let mut result = self.run_each(roots, |r| kept.push(r))?;
        result.roots = kept;
        Ok(result)
    }

    /// Scans `roots`, handing each root's result to `each` as soon as that root is done;
    /// the result's `roots` stays empty (results do not pile up over thousands of roots).
    pub fn run_each(&self, roots: &[CString], each: impl FnMut(RootResult)) -> Result<ScanResult, ScanFailure> {
        walk_roots(roots, &self.options, &self.filter, &self.counting, self.pool.as_deref(), &self.state, self.export.as_ref(), each)
    }

    /// `run_each`, and `on_progress` every `progress_interval_ms` while the walk runs, from a
    /// thread of its own. Without a thread for it (the system is out of them) the scan still
    /// runs, with no progress on the way.
    pub fn run_watched(
        &self,
        roots: &[CString],
        each: impl FnMut(RootResult),
        on_progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<ScanResult, ScanFailure> {
        let interval = Duration::from_millis(u64::from(self.options.progress_interval_ms.max(1)));
        let (done_tx, done_rx) = mpsc::channel::<()>();
        std::thread::scope(|scope| {
            let on_progress = &on_progress;
            let tick = move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(interval) {
                    on_progress(self.progress());
                }
            };
            drop(std::thread::Builder::new().spawn_scoped(scope, tick));
            let result = self.run_each(roots, each);
            drop(done_tx);
            result
        })
    }
}
