//! dirsize: the size of a directory tree, walked in parallel.
//!
//! The walker (`walk`, `sys`, `options`, `totals`, `links`, `report`, `path`, `pool`) is
//! plain Rust with no Node types; `binding` is the thin napi layer over it.
//!
//! `walk`, `sys` (but its Unix files), `links`, `path`, `report` and `totals` keep to Rust
//! 1.63: scripts/wine-check builds them with Debian's Windows std and runs the walker under
//! Wine, the one way to execute the Windows code on a Linux machine.

#[cfg(all(feature = "node", not(test)))]
mod binding;
pub mod exclude;
pub mod fnmatch;
mod fnmatch_ctype;
pub mod links;
pub mod options;
pub mod path;
pub mod pool;
pub mod report;
pub mod sys;
pub mod totals;
pub mod walk;

pub use options::{Filter, JsRegex, OptionError, ScanOptions};
pub use totals::Totals;
pub use walk::{scan, scan_each, RootResult, ScanError, ScanFailure, ScanResult, ScanState};

// Compared with GNU du, which only Unix has.
#[cfg(all(test, unix))]
mod walk_tests;
