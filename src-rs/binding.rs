//! The napi layer: converts plain JS values to the walker's types and back, runs the scan off
//! the JS thread, and forwards progress. Everything friendly (validation, error objects,
//! numbers or bigints) lives in TypeScript.

use std::ffi::CString;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::options::{Filter, JsRegex, ScanOptions};
use crate::report::{LargeFile, TreeEntry};
use crate::walk::{self, RootResult, ScanError, ScanFailure, ScanResult, ScanState};
use crate::Totals;

#[napi(object)]
pub struct NativeOptions {
    pub threads: Option<u32>,
    pub count_links: Option<bool>,
    pub follow_symlinks: Option<bool>,
    pub one_file_system: Option<bool>,
    pub exclude: Option<Vec<String>>,
    pub ignore_source: Option<String>,
    pub ignore_flags: Option<String>,
    pub depth: Option<u32>,
    pub top: Option<u32>,
    pub strict: Option<bool>,
    pub progress_interval_ms: Option<u32>,
}

/// Sizes in 128 bits (two files of 2^63 - 1 bytes already pass 2^64): a BigInt in JS.
#[napi(object, object_from_js = false)]
pub struct NativeTotals {
    pub bytes: u128,
    pub disk_bytes: u128,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub others: u64,
}

/// A path is the bytes the OS gave; `path` is their UTF-8 reading (lossy), and `raw` carries
/// the exact bytes only when that reading was lossy.
#[napi(object, object_from_js = false)]
pub struct NativeError {
    pub path: String,
    pub raw: Option<Buffer>,
    pub errno: i32,
    pub message: String,
    pub syscall: String,
}

#[napi(object, object_from_js = false)]
pub struct NativeTreeEntry {
    pub path: String,
    pub raw: Option<Buffer>,
    pub bytes: u128,
    pub disk_bytes: u128,
    pub files: u64,
    pub depth: u32,
}

#[napi(object, object_from_js = false)]
pub struct NativeLargeFile {
    pub path: String,
    pub raw: Option<Buffer>,
    pub bytes: u64,
    pub disk_bytes: u128,
}

#[napi(object, object_from_js = false)]
pub struct NativeRoot {
    pub path: String,
    pub raw: Option<Buffer>,
    pub totals: NativeTotals,
    pub errors: Vec<NativeError>,
    pub error_count: u64,
    pub root_error: Option<NativeError>,
    pub tree: Option<Vec<NativeTreeEntry>>,
    pub largest: Option<Vec<NativeLargeFile>>,
}

/// Either the result, or why there is none: `aborted`, or the first error under `strict`.
#[napi(object, object_from_js = false)]
pub struct NativeOutcome {
    pub roots: Option<Vec<NativeRoot>>,
    pub totals: Option<NativeTotals>,
    pub error_count: Option<u64>,
    pub aborted: bool,
    pub strict_error: Option<NativeError>,
    /// How many roots went to `onRoot` (their calls may still be queued for the JS thread).
    pub delivered: u32,
}

/// Live counters; plain numbers (exact below 2^53), the final exact ones come with the result.
#[napi(object, object_from_js = false)]
pub struct NativeProgress {
    pub files: f64,
    pub dirs: f64,
    pub symlinks: f64,
    pub others: f64,
    pub bytes: f64,
    pub disk_bytes: f64,
    pub errors: f64,
}

/// Set by an AbortSignal's handler in JS; the workers check it between entries.
#[napi]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken { flag: Arc::default() }
    }

    #[napi]
    pub fn cancel(&self) {
        self.flag.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

// Weak (a scan in progress does not keep the process alive by itself), called non-blocking,
// and a queue of one: while JS is busy, ticks past the one waiting are dropped, so the queue
// never grows and nothing stands between the walk's end and its result but that one tick.
type ProgressFn = ThreadsafeFunction<NativeProgress, (), NativeProgress, Status, false, true, 1>;
// Not weak, and called blocking: every root must arrive. It is released when the scan ends.
type RootFn = ThreadsafeFunction<NativeRoot, (), NativeRoot, Status, false, false>;

struct Prepared {
    roots: Vec<CString>,
    opts: ScanOptions,
    filter: Filter,
    cancel: Arc<AtomicBool>,
    interval: Duration,
}

/// Roots as JavaScript gives them: a string (taken as UTF-8), or a Buffer of the exact bytes,
/// for a name that is not UTF-8. (Spelled out in the signatures: napi's generated types do
/// not follow an alias.)
fn prepare(roots: Vec<Either<String, Buffer>>, o: NativeOptions, cancel: Option<&CancelToken>) -> Result<Prepared> {
    let roots = roots
        .into_iter()
        .map(|r| {
            let bytes = match r {
                Either::A(s) => s.into_bytes(),
                Either::B(b) => b.to_vec(),
            };
            CString::new(bytes).map_err(|_| invalid("path must not contain NUL bytes"))
        })
        .collect::<Result<Vec<_>>>()?;
    let opts = ScanOptions {
        threads: o.threads.map(|t| t as usize),
        count_links: o.count_links.unwrap_or(false),
        follow_symlinks: o.follow_symlinks.unwrap_or(false),
        one_file_system: o.one_file_system.unwrap_or(false),
        exclude: o.exclude.unwrap_or_default(),
        ignore: o.ignore_source.map(|source| JsRegex { source, flags: o.ignore_flags.unwrap_or_default() }),
        depth: o.depth,
        top: o.top.unwrap_or(0) as usize,
        strict: o.strict.unwrap_or(false),
    };
    let filter = Filter::new(&opts).map_err(|e| invalid(&e.message))?;
    Ok(Prepared {
        roots,
        opts,
        filter,
        cancel: cancel.map(|c| c.flag.clone()).unwrap_or_default(),
        interval: Duration::from_millis(o.progress_interval_ms.unwrap_or(100).max(1) as u64),
    })
}

fn invalid(message: &str) -> Error {
    Error::new(Status::InvalidArg, message.to_string())
}

impl Prepared {
    fn threads(&self) -> usize {
        self.opts.thread_count()
    }

    fn run(
        &self,
        progress: Option<&ProgressFn>,
        on_root: Option<&RootFn>,
    ) -> Result<(std::result::Result<ScanResult, ScanFailure>, u32)> {
        // The pool starts here, before any work, where a failure (the system refusing that
        // many threads) can reject naming `threads` rather than abort the process; the walk
        // then finds it in the cache, which cannot drop it while this handle is held.
        let threads = self.threads();
        let _pool = match threads {
            1 => None,
            n => {
                let pool = crate::pool::try_get(n);
                Some(pool.map_err(|e| invalid(&format!("threads: cannot start {n} threads: {e}")))?)
            }
        };
        let state = ScanState::with_cancel(threads, self.cancel.clone());
        let delivered = std::cell::Cell::new(0u32);
        let walk = |state: &ScanState| match on_root {
            Some(f) => walk::scan_each(&self.roots, &self.opts, &self.filter, state, |r| {
                f.call(root(r), ThreadsafeFunctionCallMode::Blocking);
                delivered.set(delivered.get() + 1);
            }),
            None => walk::scan(&self.roots, &self.opts, &self.filter, state),
        };
        let Some(tsfn) = progress else {
            let r = walk(&state);
            return Ok((r, delivered.get()));
        };
        // A ticker beside the walk reads the counters at each interval; the call into JS is
        // non-blocking into a queue of one, so a busy JS thread drops ticks instead of
        // stalling the walk or piling them up.
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let r = std::thread::scope(|scope| {
            let state = &state;
            let tick = move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(self.interval) {
                    let (t, errors) = state.progress();
                    tsfn.call(progress_of(&t, errors), ThreadsafeFunctionCallMode::NonBlocking);
                }
            };
            let ticker = std::thread::Builder::new().spawn_scoped(scope, tick);
            // No thread for the ticker (the system is out of them): the scan still runs, with
            // no calls on the way; the final one, with the result, comes from JS.
            drop(ticker);
            let result = walk(state);
            drop(done_tx);
            result
        });
        Ok((r, delivered.get()))
    }
}

fn progress_of(t: &Totals, errors: u64) -> NativeProgress {
    NativeProgress {
        files: t.files as f64,
        dirs: t.dirs as f64,
        symlinks: t.symlinks as f64,
        others: t.others as f64,
        bytes: t.bytes as f64,
        disk_bytes: t.disk_bytes as f64,
        errors: errors as f64,
    }
}

pub struct ScanTask {
    prepared: Prepared,
    progress: Option<ProgressFn>,
    on_root: Option<RootFn>,
}

impl Task for ScanTask {
    type Output = (std::result::Result<ScanResult, ScanFailure>, u32);
    type JsValue = NativeOutcome;

    fn compute(&mut self) -> Result<Self::Output> {
        let out = self.prepared.run(self.progress.as_ref(), self.on_root.as_ref());
        // Release the functions now: no call can come after the result.
        self.progress = None;
        self.on_root = None;
        out
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(outcome(output.0, output.1))
    }
}

/// Scans `roots` on the worker pool; resolves with a `NativeOutcome`. With `onRoot`, each
/// root's result goes there as soon as it is done, and the outcome's `roots` is empty.
#[napi(ts_return_type = "Promise<NativeOutcome>")]
pub fn scan(
    roots: Vec<Either<String, Buffer>>,
    options: NativeOptions,
    on_progress: Option<Function<'_, NativeProgress, ()>>,
    on_root: Option<Function<'_, NativeRoot, ()>>,
    cancel: Option<&CancelToken>,
) -> Result<AsyncTask<ScanTask>> {
    let prepared = prepare(roots, options, cancel)?;
    let progress = match on_progress {
        Some(f) => Some(
            f.build_threadsafe_function()
                .weak::<true>()
                .callee_handled::<false>()
                .max_queue_size::<1>()
                .build()?,
        ),
        None => None,
    };
    let on_root = match on_root {
        Some(f) => Some(f.build_threadsafe_function().callee_handled::<false>().build()?),
        None => None,
    };
    Ok(AsyncTask::new(ScanTask { prepared, progress, on_root }))
}

/// The same scan, on the calling thread's behalf (it blocks until done).
#[napi]
pub fn scan_sync(roots: Vec<Either<String, Buffer>>, options: NativeOptions) -> Result<NativeOutcome> {
    let prepared = prepare(roots, options, None)?;
    let (r, delivered) = prepared.run(None, None)?;
    Ok(outcome(r, delivered))
}

fn outcome(r: std::result::Result<ScanResult, ScanFailure>, delivered: u32) -> NativeOutcome {
    match r {
        Ok(r) => NativeOutcome {
            totals: Some(totals(&r.totals)),
            error_count: Some(r.error_count),
            roots: Some(r.roots.into_iter().map(root).collect()),
            aborted: false,
            strict_error: None,
            delivered,
        },
        Err(ScanFailure::Aborted) => NativeOutcome {
            roots: None,
            totals: None,
            error_count: None,
            aborted: true,
            strict_error: None,
            delivered,
        },
        Err(ScanFailure::Strict(e)) => NativeOutcome {
            roots: None,
            totals: None,
            error_count: None,
            aborted: false,
            strict_error: Some(error(e)),
            delivered,
        },
    }
}

fn path_of(bytes: Vec<u8>) -> (String, Option<Buffer>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let bytes = e.into_bytes();
            (String::from_utf8_lossy(&bytes).into_owned(), Some(bytes.into()))
        }
    }
}

fn totals(t: &Totals) -> NativeTotals {
    NativeTotals {
        bytes: t.bytes,
        disk_bytes: t.disk_bytes,
        files: t.files,
        dirs: t.dirs,
        symlinks: t.symlinks,
        others: t.others,
    }
}

fn error(e: ScanError) -> NativeError {
    let (path, raw) = path_of(e.path);
    NativeError { path, raw, errno: e.errno, message: e.message, syscall: e.syscall.to_string() }
}

fn root(r: RootResult) -> NativeRoot {
    let (path, raw) = path_of(r.path);
    NativeRoot {
        path,
        raw,
        totals: totals(&r.totals),
        errors: r.errors.into_iter().map(error).collect(),
        error_count: r.error_count,
        root_error: r.root_error.map(error),
        tree: r.tree.map(|t| t.into_iter().map(tree_entry).collect()),
        largest: r.largest.map(|l| l.into_iter().map(large_file).collect()),
    }
}

fn tree_entry(e: TreeEntry) -> NativeTreeEntry {
    let (path, raw) = path_of(e.path);
    NativeTreeEntry { path, raw, bytes: e.bytes, disk_bytes: e.disk_bytes, files: e.files, depth: e.depth }
}

fn large_file(f: LargeFile) -> NativeLargeFile {
    let (path, raw) = path_of(f.path);
    NativeLargeFile { path, raw, bytes: f.bytes, disk_bytes: f.disk_bytes }
}
