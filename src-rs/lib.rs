//! dirsize: the size of a directory tree, walked in parallel, with GNU du's exact totals.
//!
//! # Use
//!
//! ```no_run
//! # use std::ffi::CString;
//! use dirsize::{Scan, ScanOptions};
//! let options = ScanOptions { threads: Some(4), ..Default::default() };
//! let result = Scan::new(&options)?.run(&[CString::new("/usr").unwrap()]).unwrap();
//! println!("{} bytes in {} files", result.totals.bytes, result.totals.files);
//! # Ok::<(), dirsize::OptionError>(())
//! ```
//!
//! `Scan` (scan.rs) is the one entry point: it compiles the options (options.rs), starts
//! the pool (pool.rs) and sizes the counters for it; `run`, `run_each` and `run_watched`
//! walk the roots (walk.rs) and return the types of result.rs.
//!
//! # Scheduling
//!
//! A root is walked on a rayon pool inside one `rayon::scope`: the scope ends when the last
//! task of that root has, so roots go one after the other and each one in parallel. Every
//! directory is a task. A directory task opens its directory, stats it through the new fd,
//! and lists it: each subdirectory becomes a task the moment its name is read, entries
//! whose metadata the listing already gives (Windows) are counted at once, and the other
//! names are gathered into chunks of 256, each a task that stats them (the last chunk runs
//! in the listing task itself). So a huge flat directory spreads over every core, and a
//! deep one keeps every core busy through work stealing. Counts go into a task-local batch,
//! added once at the task's end into the running thread's own cache-line slot (totals.rs):
//! no shared counter is written per entry. With one thread there is no pool: the same code
//! runs on the caller's thread with a plain stack of tasks (`Serial` in walk.rs).
//!
//! # File descriptors
//!
//! Every entry is reached through its directory's fd (openat, statx/fstatat relative to
//! it), never by resolving a path from the root: no path lookup per entry, and no limit on
//! depth. A directory's fd is an `Arc<Dir>` held by the tasks that still need it: its
//! listing, its stat chunks, and its subdirectories until each has opened its own fd. It
//! closes when the last of them drops it, so a chain thousands of directories deep holds a
//! handful of fds at once, and a wide one holds no more than the tasks in flight.
//!
//! # Layout and the Rust 1.63 rule
//!
//! `walk`, `scan`, `result`, `options` (but its `ignore` engine), `groups`, `select`, `exclude`, `fnmatch`,
//! `sys` (but its Unix files), `links`, `path`, `breakdown` and `totals` keep to Rust 1.63:
//! scripts/wine-check builds them with Debian's Windows std and runs the walker under
//! Wine, the one way to execute the Windows code on a Linux machine. `binding` is the napi
//! layer (the `node` feature); the result and options types carry their napi derives
//! themselves, so the binding names no field of them.
#![deny(missing_docs)]
#![deny(unsafe_code)]
// Their suggestions (Option::is_some_and, BuildHasher::hash_one) need a newer Rust than 1.63.
#![allow(clippy::unnecessary_map_or, clippy::manual_hash_one)]

#[cfg(all(feature = "node", not(test)))]
mod binding;
pub mod breakdown;
pub mod exclude;
pub mod export;
pub mod groups;
pub mod import;
pub mod fnmatch;
mod fnmatch_ctype;
pub mod links;
pub mod options;
pub mod path;
pub mod pool;
pub mod result;
pub mod scan;
pub mod select;
pub mod sys;
pub mod totals;
pub mod walk;

pub use options::{JsRegex, OptionError, ScanOptions};
pub use result::{PathBuffer, Progress, RootResult, ScanError, ScanFailure, ScanResult};
pub use scan::Scan;
pub use totals::Totals;

// Compared with GNU du, which only Unix has.
#[cfg(all(test, unix))]
mod walk_tests;
