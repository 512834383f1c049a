//! What a scan gives back: per root, and for the whole scan. Each type is declared once; with
//! the `node` feature the same struct is the object JavaScript receives (napi derives the
//! conversion), so there is no second, binding-side copy to keep in step.
//!
//! Kept to Rust 1.63, with the walker: see lib.rs.

use crate::breakdown::{LargeFile, TreeEntry};
use crate::groups::GroupList;
use crate::sys::OsError;
use crate::totals::Totals;

/// The exact bytes of a path, as the OS gave them (WTF-8 on Windows). TypeScript's public
/// name for them is `pathBuffer`; they cross to JavaScript as a string when they are UTF-8,
/// and as a Buffer (the `pathBuffer`, whose lossy reading is the `path`) when they are not.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathBuffer(pub Vec<u8>);

/// An entry that could not be read.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// The entry's path, from the root as given.
    #[cfg_attr(all(feature = "node", not(test)), napi(ts_type = "string | Buffer"))]
    pub path: PathBuffer,
    /// The raw OS code (errno on Unix, a Win32 error code mapped to errno on Windows).
    pub errno: i32,
    /// The system's text for `errno`.
    pub message: String,
    /// What failed, named as Node names it: "lstat"/"stat" (an entry), "scandir" (a listing).
    pub syscall: &'static str,
}

impl ScanError {
    /// The error `e` of `syscall` on `path`.
    pub fn new(path: Vec<u8>, e: OsError, syscall: &'static str) -> ScanError {
        ScanError { path: PathBuffer(path), errno: e.errno(), message: e.message(), syscall }
    }
}

/// One root's result.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, Default)]
pub struct RootResult {
    /// The root as du shows it (`dir//` is `dir/`: see `path::trim_root`).
    #[cfg_attr(all(feature = "node", not(test)), napi(ts_type = "string | Buffer"))]
    pub path: PathBuffer,
    /// What was counted under this root (and not already under an earlier one).
    pub totals: Totals,
    /// The first `walk::MAX_ERRORS` errors.
    pub errors: Vec<ScanError>,
    /// Every error, kept or not.
    pub error_count: u64,
    /// The root itself could not be read (it does not exist, say).
    pub root_error: Option<ScanError>,
    /// The `depth` breakdown, children before their parent.
    pub tree: Option<Vec<TreeEntry>>,
    /// The `top` largest files, largest first.
    pub largest: Option<Vec<LargeFile>>,
    /// The `groupBy` groups, a list per key in the order asked.
    pub groups: Option<Vec<GroupList>>,
}

/// A whole scan's result.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    /// Each root's result, in order (empty when they went to a callback instead).
    pub roots: Vec<RootResult>,
    /// The sum over every root.
    pub totals: Totals,
    /// Errors over every root.
    pub error_count: u64,
    /// The `groupBy` groups of every root merged (even when the roots went to a callback).
    pub groups: Option<Vec<GroupList>>,
}

/// Why a scan has no result.
#[derive(Debug)]
pub enum ScanFailure {
    /// Cancelled (`Scan::cancel`, or the flag given to `Scan::cancelled_by`).
    Aborted,
    /// `strict`: the first error.
    Strict(ScanError),
}

/// The live counters of a running scan: what is counted so far, and the errors.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Counted so far, across every root; each counter only grows.
    pub totals: Totals,
    /// Errors so far.
    pub errors: u64,
}
