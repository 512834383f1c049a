//! Paths as a chain of names, one link per directory: the walker never needs a full path to
//! do its work (it goes by file descriptor), only to report one, so it builds it on demand.

use std::ffi::CString;
use std::sync::Arc;

pub struct PathNode {
    parent: Option<Arc<PathNode>>,
    /// The root as given, or one directory name.
    pub name: CString,
    /// 0 for the root.
    pub depth: u32,
}

impl PathNode {
    pub fn root(path: CString) -> Arc<PathNode> {
        Arc::new(PathNode { parent: None, name: path, depth: 0 })
    }

    pub fn child(self: &Arc<PathNode>, name: CString) -> Arc<PathNode> {
        Arc::new(PathNode { parent: Some(self.clone()), name, depth: self.depth + 1 })
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
        let root = PathNode::root(CString::new("/tmp/x/").unwrap());
        let a = root.child(CString::new("a").unwrap());
        let b = a.child(CString::new("b").unwrap());
        assert_eq!(b.path(), sep("/tmp/x/a|b"));
        assert_eq!(b.relative(), sep("a|b"));
        assert_eq!(b.join(b"f"), sep("/tmp/x/a|b|f"));
        assert_eq!(root.relative(), b"");
        assert_eq!(b.depth, 2);
    }
}
