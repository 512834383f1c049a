//! The napi layer: takes the options object as src/options.ts normalized it (it *is*
//! `ScanOptions`: napi derives the conversion), runs a `Scan` off the JS thread, and forwards
//! roots and progress. The result types convert themselves (their napi derives); all this
//! file adds is the outcome around them. Everything friendly (validation, error objects,
//! numbers or bigints) lives in TypeScript, and no option is named here.
#![allow(unsafe_code)] // napi's macros expand to unsafe FFI; the code written here has none.

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::options::{OptionError, ScanOptions};
use crate::result::{PathBuffer, Progress, RootResult, ScanError, ScanFailure, ScanResult};
use crate::scan::Scan;

/// A path's exact bytes: a string when they are UTF-8, else a Buffer of them (TypeScript's
/// `pathBuffer`; native.ts adds the lossy `path` beside it).
impl ToNapiValue for PathBuffer {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        match String::from_utf8(val.0) {
            Ok(s) => String::to_napi_value(env, s),
            Err(e) => Buffer::to_napi_value(env, e.into_bytes().into()),
        }
    }
}

impl TypeName for PathBuffer {
    fn type_name() -> &'static str {
        "string | Buffer"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

/// What a scan came to: its result, or why there is none (a bad option, `aborted`, or the
/// first error under `strict`).
#[napi(object, object_from_js = false)]
pub struct ScanOutcome {
    /// The result (its `roots` empty when they went to `onRoot`).
    pub result: Option<ScanResult>,
    /// An option the walker could not use: nothing was walked.
    pub option_error: Option<OptionError>,
    /// The scan was cancelled.
    pub aborted: bool,
    /// `strict`: the first error.
    pub strict_error: Option<ScanError>,
    /// How many roots went to `onRoot` (their calls may still be queued for the JS thread).
    pub delivered: u32,
}

impl ScanOutcome {
    fn of(r: std::result::Result<ScanResult, ScanFailure>, delivered: u32) -> ScanOutcome {
        let mut out = ScanOutcome { result: None, option_error: None, aborted: false, strict_error: None, delivered };
        match r {
            Ok(r) => out.result = Some(r),
            Err(ScanFailure::Aborted) => out.aborted = true,
            Err(ScanFailure::Strict(e)) => out.strict_error = Some(e),
        }
        out
    }

    fn refused(e: OptionError) -> ScanOutcome {
        ScanOutcome { result: None, option_error: Some(e), aborted: false, strict_error: None, delivered: 0 }
    }
}

/// Set by an AbortSignal's handler in JS; the workers check it between entries.
#[napi]
pub struct CancelToken {
    pub(crate) flag: Arc<AtomicBool>,
}

#[napi]
impl CancelToken {
    /// A token not yet cancelled.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken { flag: Arc::default() }
    }

    /// Stops the scan it was given to.
    #[napi]
    pub fn cancel(&self) {
        self.flag.store(true, Relaxed);
    }
}

// Weak (a scan in progress does not keep the process alive by itself), called non-blocking,
// and a queue of one: while JS is busy, ticks past the one waiting are dropped, so the queue
// never grows and nothing stands between the walk's end and its result but that one tick.
type ProgressFn = ThreadsafeFunction<Progress, (), Progress, Status, false, true, 1>;
// Not weak, and called blocking: every root must arrive. It is released when the scan ends.
type RootFn = ThreadsafeFunction<RootResult, (), RootResult, Status, false, false>;

/// Roots as JavaScript gives them: a string (taken as UTF-8), or a Buffer of the exact bytes,
/// for a name that is not UTF-8. (Spelled out in the signatures: napi's generated types do
/// not follow an alias.)
pub(crate) fn roots_of(roots: Vec<Either<String, Buffer>>) -> Result<Vec<CString>> {
    roots
        .into_iter()
        .map(|r| {
            let bytes = match r {
                Either::A(s) => s.into_bytes(),
                Either::B(b) => b.to_vec(),
            };
            CString::new(bytes).map_err(|_| Error::new(Status::InvalidArg, "path must not contain NUL bytes"))
        })
        .collect()
}

/// Compiles the options and runs the scan (on the calling thread), sending roots and
/// progress to JavaScript when asked to.
fn run(
    roots: &[CString],
    options: &ScanOptions,
    cancel: Arc<AtomicBool>,
    progress: Option<&ProgressFn>,
    on_root: Option<&RootFn>,
    export: Option<&ExportTo>,
) -> ScanOutcome {
    let scan = match Scan::cancelled_by(options, cancel) {
        Ok(scan) => scan,
        Err(e) => return ScanOutcome::refused(e),
    };
    let scan = match (export, roots.first()) {
        (Some(x), Some(root)) => scan.exporting(root, x.extended),
        _ => scan,
    };
    let mut delivered = 0u32;
    let mut kept = Vec::new();
    let each = |r: RootResult| match on_root {
        Some(f) => {
            f.call(r, ThreadsafeFunctionCallMode::Blocking);
            delivered += 1;
        }
        None => kept.push(r),
    };
    let r = match progress {
        // The call into JS is non-blocking into a queue of one, so a busy JS thread drops
        // ticks instead of stalling the walk or piling them up.
        Some(f) => scan.run_watched(roots, each, |p| {
            f.call(p, ThreadsafeFunctionCallMode::NonBlocking);
        }),
        None => scan.run_each(roots, each),
    };
    if let (Some(x), Ok(_)) = (export, &r) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        // A send fails once JavaScript has closed its end (the sink failed): writing stops.
        scan.write_export(now, |chunk| x.chunks.send(chunk).is_ok());
    }
    ScanOutcome::of(r.map(|r| ScanResult { roots: kept, ..r }), delivered)
}

/// A scan on libuv's worker pool (the walk itself runs on the dirsize pool).
pub struct ScanTask {
    roots: Vec<CString>,
    options: ScanOptions,
    cancel: Arc<AtomicBool>,
    progress: Option<ProgressFn>,
    on_root: Option<RootFn>,
    export: Option<ExportTo>,
}

impl Task for ScanTask {
    type Output = ScanOutcome;
    type JsValue = ScanOutcome;

    fn compute(&mut self) -> Result<Self::Output> {
        let out = run(
            &self.roots,
            &self.options,
            self.cancel.clone(),
            self.progress.as_ref(),
            self.on_root.as_ref(),
            self.export.as_ref(),
        );
        // Release the functions now: no call can come after the result. Dropping the
        // export's sender ends its chunks (`ExportChunks::next` gives null).
        self.progress = None;
        self.on_root = None;
        self.export = None;
        Ok(out)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

/// Scans `roots` on the worker pool; resolves with a `ScanOutcome`. With `onRoot`, each
/// root's result goes there as soon as it is done, and the result's `roots` is empty.
#[napi(ts_return_type = "Promise<ScanOutcome>")]
pub fn scan(
    roots: Vec<Either<String, Buffer>>,
    options: ScanOptions,
    on_progress: Option<Function<'_, Progress, ()>>,
    on_root: Option<Function<'_, RootResult, ()>>,
    cancel: Option<&CancelToken>,
) -> Result<AsyncTask<ScanTask>> {
    scan_task(roots, options, on_progress, on_root, cancel, None)
}

fn scan_task(
    roots: Vec<Either<String, Buffer>>,
    options: ScanOptions,
    on_progress: Option<Function<'_, Progress, ()>>,
    on_root: Option<Function<'_, RootResult, ()>>,
    cancel: Option<&CancelToken>,
    export: Option<ExportTo>,
) -> Result<AsyncTask<ScanTask>> {
    let roots = roots_of(roots)?;
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
    let cancel = cancel.map(|c| c.flag.clone()).unwrap_or_default();
    Ok(AsyncTask::new(ScanTask { roots, options, cancel, progress, on_root, export }))
}

/// Where an export's chunks go: the sending end of an `ExportChunks`.
struct ExportTo {
    extended: bool,
    chunks: SyncSender<Vec<u8>>,
}

/// The chunks of an export, for JavaScript to pull one at a time (`next`) and write where
/// it is asked to: a chunk is made only when one of the few in flight has been taken, so a
/// slow sink holds the writer back instead of letting chunks pile up in memory.
#[napi]
pub struct ExportChunks {
    sender: Mutex<Option<SyncSender<Vec<u8>>>>,
    receiver: Mutex<Option<Arc<Mutex<Receiver<Vec<u8>>>>>>,
}

#[napi]
impl ExportChunks {
    /// Room for four chunks (1 MiB) between the writer and JavaScript.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let (tx, rx) = sync_channel(4);
        ExportChunks { sender: Mutex::new(Some(tx)), receiver: Mutex::new(Some(Arc::new(Mutex::new(rx)))) }
    }

    /// The next chunk, or null once the document is whole (or was not written: the scan's
    /// outcome says why). Waits off the JavaScript thread.
    #[napi(ts_return_type = "Promise<Buffer | null>")]
    pub fn next(&self) -> AsyncTask<NextChunk> {
        AsyncTask::new(NextChunk { from: self.receiver.lock().unwrap_or_else(|p| p.into_inner()).clone() })
    }

    /// No more chunks are wanted (the sink failed, or the scan did): the writer stops at its
    /// next one, and a `next` still waiting gives null once no writer is left.
    #[napi]
    pub fn close(&self) {
        // A scan that never started (refused, aborted before it began) leaves its sender
        // here: without this, a waiting `next` would wait for ever.
        self.sender.lock().unwrap_or_else(|p| p.into_inner()).take();
        // A `next` still waiting holds its own reference; the channel closes when it is done.
        self.receiver.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

/// One `ExportChunks::next`.
pub struct NextChunk {
    from: Option<Arc<Mutex<Receiver<Vec<u8>>>>>,
}

impl Task for NextChunk {
    type Output = Option<Vec<u8>>;
    type JsValue = Option<Buffer>;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(match self.from.take() {
            Some(rx) => rx.lock().unwrap_or_else(|p| p.into_inner()).recv().ok(),
            None => None,
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output.map(Buffer::from))
    }
}

/// `scan` that also saves the tree in ncdu's JSON format (with ncdu's extended fields if
/// asked) into `chunks`, once the walk has ended. One root: ncdu's format holds one tree.
#[napi(ts_return_type = "Promise<ScanOutcome>")]
pub fn export_scan(
    roots: Vec<Either<String, Buffer>>,
    options: ScanOptions,
    extended: bool,
    chunks: &ExportChunks,
    on_progress: Option<Function<'_, Progress, ()>>,
    on_root: Option<Function<'_, RootResult, ()>>,
    cancel: Option<&CancelToken>,
) -> Result<AsyncTask<ScanTask>> {
    let sender = chunks.sender.lock().unwrap_or_else(|p| p.into_inner()).take();
    let sender = sender.ok_or_else(|| Error::new(Status::InvalidArg, "these chunks were given to an export already"))?;
    if roots.len() != 1 {
        return Err(Error::new(Status::InvalidArg, "an export takes one root"));
    }
    scan_task(roots, options, on_progress, on_root, cancel, Some(ExportTo { extended, chunks: sender }))
}

/// The same scan, on the calling thread's behalf (it blocks until done).
#[napi]
pub fn scan_sync(roots: Vec<Either<String, Buffer>>, options: ScanOptions) -> Result<ScanOutcome> {
    Ok(run(&roots_of(roots)?, &options, Arc::default(), None, None, None))
}
