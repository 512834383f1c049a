//! Paths as a chain of names, one link per directory: the walker never needs a full path to
//! do its work (it goes by file descriptor), only to report one, so it builds it on demand.
//! The chain also carries each directory's identity, so a directory can be checked against
//! the ones it is inside of (a bind mount or a followed link can lead back up).

use std::ffi::CString;
use std::sync::Arc;

use crate::sys::FileId;

/// A directory on the way from the root: enough to build any path below it on demand, and
/// to tell whether a directory is one of its own ancestors.
pub struct PathNode {
    parent: Option<Arc<PathNode>>,
    /// The root as given (see `trim_root`), or one directory name.
    pub name: CString,
    /// 0 for the root.
    pub depth: u32,
    /// The directory's device.
    pub dev: u64,
    /// The directory's inode (file id on Windows).
    pub ino: FileId,
    /// This directory, or one between it and the root, was entered through a mount root, a
    /// change of device or a followed symlink: below it a directory may be one of its own
    /// ancestors, so each one is checked. Elsewhere (a plain tree) none can be.
    pub guarded: bool,
}

impl PathNode {
    /// The node of a root.
    pub fn root(path: CString, dev: u64, ino: FileId) -> Arc<PathNode> {
        Arc::new(PathNode { parent: None, name: path, depth: 0, dev, ino, guarded: false })
    }

    /// The node of the subdirectory `name` of this one.
    pub fn child(
        self: &Arc<PathNode>,
        name: CString,
        dev: u64,
        ino: FileId,
        guarded: bool,
    ) -> Arc<PathNode> {
        Arc::new(PathNode {
            parent: Some(self.clone()),
            name,
            depth: self.depth + 1,
            dev,
            ino,
            guarded,
        })
    }

    /// Whether this directory or one above it is (dev, ino): entering it again would walk
    /// a copy of what is being walked (fts calls it a cycle, FTS_DC; du skips it).
    pub fn is_or_is_inside(&self, dev: u64, ino: FileId) -> bool {
        let mut at = Some(self);
        while let Some(n) = at {
            if n.ino == ino && n.dev == dev {
                return true;
            }
            at = n.parent.as_deref();
        }
        false
    }

    /// The full path: the root as given, then each name, separated by `SEP`.
    pub fn path(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        self.write(&mut out, true);
        out
    }

    /// The path below the root (empty for the root itself).
    pub fn relative(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        self.write(&mut out, false);
        out
    }

    /// The full path of an entry inside this directory.
    pub fn join(&self, name: &[u8]) -> Vec<u8> {
        let mut out = self.path();
        push_name(&mut out, name);
        out
    }

    fn write(&self, out: &mut Vec<u8>, with_root: bool) {
        // Iterative: chains can be thousands of links deep.
        let mut chain = Vec::with_capacity(self.depth as usize + 1);
        let mut at = Some(self);
        while let Some(n) = at {
            chain.push(n);
            at = n.parent.as_deref();
        }
        for (i, n) in chain.iter().rev().enumerate() {
            if i == 0 {
                if with_root {
                    out.extend_from_slice(n.name.as_bytes());
                }
            } else {
                push_name(out, n.name.as_bytes());
            }
        }
    }
}

/// A root as fts (so du) shows it: two or more trailing separators become one (`dir//` is
/// `dir/`, `///` is `/`), and a name of two characters (`//`) is kept as it is. Entries
/// below are then joined without doubling the one left (`dir/a`, `//srv`), as `push_name`
/// does.
pub fn trim_root(path: &[u8]) -> &[u8] {
    let mut len = path.len();
    if len > 2 && is_separator(path[len - 1]) {
        while len > 1 && is_separator(path[len - 2]) {
            len -= 1;
        }
    }
    &path[..len]
}

/// The separator paths are reported with, as Node's `path.sep`.
pub const SEP: u8 = if cfg!(windows) { b'\\' } else { b'/' };

/// `/`, and on Windows `\\` too.
pub fn is_separator(b: u8) -> bool {
    b == b'/' || (cfg!(windows) && b == b'\\')
}

fn ends_with_separator(path: &[u8]) -> bool {
    matches!(path.last(), Some(&b) if is_separator(b))
}

/// Appends `/name` (`\name` on Windows), without doubling a separator the root ends with.
pub fn push_name(out: &mut Vec<u8>, name: &[u8]) {
    if !out.is_empty() && !ends_with_separator(out) {
        out.push(SEP);
    }
    out.extend_from_slice(name);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_full_and_relative_paths() {
        // The root keeps its own form; what the walker adds uses the platform separator.
        let sep = |s: &str| s.replace('|', &(SEP as char).to_string()).into_bytes();
        let root = PathNode::root(CString::new("/tmp/x/").unwrap(), 1, 1);
        let a = root.child(CString::new("a").unwrap(), 1, 2, false);
        let b = a.child(CString::new("b").unwrap(), 1, 3, false);
        assert_eq!(b.path(), sep("/tmp/x/a|b"));
        assert_eq!(b.relative(), sep("a|b"));
        assert_eq!(b.join(b"f"), sep("/tmp/x/a|b|f"));
        assert_eq!(root.relative(), b"");
        assert_eq!(b.depth, 2);
        assert!(b.is_or_is_inside(1, 1) && b.is_or_is_inside(1, 3));
        assert!(!b.is_or_is_inside(2, 1));
    }

    #[test]
    fn roots_are_trimmed_as_fts_does() {
        // What GNU du 9.1 prints for each root (and its entries: `dir/a`, `//srv`).
        for (given, shown) in [
            ("dir//", "dir/"),
            ("dir///", "dir/"),
            ("dir/", "dir/"),
            ("dir", "dir"),
            ("//", "//"),
            ("///", "/"),
            ("/", "/"),
            ("./", "./"),
            (".//", "./"),
            ("a//b//", "a//b/"),
        ] {
            assert_eq!(trim_root(given.as_bytes()), shown.as_bytes(), "{given}");
        }
        let mut p = trim_root(b"//").to_vec();
        push_name(&mut p, b"srv");
        assert_eq!(p, b"//srv");
    }
}
