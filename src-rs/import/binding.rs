//! The napi layer of loading saved scans: `loadScan` (an async task) and `loadScanSync`. As
//! binding.rs, it names no option: the options object is `ScanOptions`, as src/options.ts
//! normalized it (src/load.ts refuses the options a saved scan cannot honour first).
#![allow(unsafe_code)] // napi's macros expand to unsafe FFI; the code written here has none.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::{load_listing, ListedEntry, LoadError, LoadFailure};
use crate::binding::{roots_of, CancelToken};
use crate::options::ScanOptions;
use crate::result::{ScanError, ScanFailure, ScanResult};

/// What a load came to: its result, or why there is none.
#[napi(object, object_from_js = false)]
pub struct LoadOutcome {
    /// The result, one root per file.
    pub result: Option<ScanResult>,
    /// A file that could not be read to its end (nothing of the load is kept).
    pub load_error: Option<LoadError>,
    /// Cancelled.
    pub aborted: bool,
    /// `strict`: the first saved read error.
    pub strict_error: Option<ScanError>,
    /// With `listDepth`: per root, its non-directories down to that depth (for `diff`).
    pub listed: Option<Vec<Vec<ListedEntry>>>,
}

/// src/load refuses what `LoadFailure::Option` says before calling: one reaching here is a
/// caller's bug, thrown as it is.
fn run(files: &[Vec<u8>], options: &ScanOptions, cancel: &AtomicBool, list_depth: Option<u32>) -> Result<LoadOutcome> {
    let mut out = LoadOutcome { result: None, load_error: None, aborted: false, strict_error: None, listed: None };
    match load_listing(files, options, cancel, list_depth) {
        Ok((r, listed)) => {
            out.result = Some(r);
            out.listed = list_depth.map(|_| listed);
        }
        Err(LoadFailure::File(e)) => out.load_error = Some(e),
        Err(LoadFailure::Scan(ScanFailure::Aborted)) => out.aborted = true,
        Err(LoadFailure::Scan(ScanFailure::Strict(e))) => out.strict_error = Some(e),
        Err(LoadFailure::Option(e)) => return Err(Error::new(Status::InvalidArg, e.message)),
    }
    Ok(out)
}

fn files_of(files: Vec<Either<String, Buffer>>) -> Result<Vec<Vec<u8>>> {
    Ok(roots_of(files)?.into_iter().map(|c| c.into_bytes()).collect())
}

/// A load on libuv's worker pool.
pub struct LoadTask {
    files: Vec<Vec<u8>>,
    options: ScanOptions,
    cancel: Arc<AtomicBool>,
    list_depth: Option<u32>,
}

impl Task for LoadTask {
    type Output = LoadOutcome;
    type JsValue = LoadOutcome;

    fn compute(&mut self) -> Result<Self::Output> {
        run(&self.files, &self.options, &self.cancel, self.list_depth)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

/// Loads saved scans (one root per file) off the JS thread; resolves with a `LoadOutcome`.
/// `list_depth`: also list the non-directories down to that depth (diff's use).
#[napi(ts_return_type = "Promise<LoadOutcome>")]
pub fn load_scan(
    files: Vec<Either<String, Buffer>>,
    options: ScanOptions,
    cancel: Option<&CancelToken>,
    list_depth: Option<u32>,
) -> Result<AsyncTask<LoadTask>> {
    let cancel = cancel.map(|c| c.flag.clone()).unwrap_or_default();
    Ok(AsyncTask::new(LoadTask { files: files_of(files)?, options, cancel, list_depth }))
}

/// The same load, blocking the calling thread.
#[napi]
pub fn load_scan_sync(files: Vec<Either<String, Buffer>>, options: ScanOptions) -> Result<LoadOutcome> {
    run(&files_of(files)?, &options, &AtomicBool::new(false), None)
}
