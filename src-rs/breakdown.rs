//! The optional extras of a scan: the per-directory breakdown (`depth`, like `du -d N`) and
//! the N largest files (`top`). (Rendering them is the TypeScript side's job: src/report/ is
//! the HTML report.) Both are bounded: the tree holds only directories down to
//! the requested depth, the top list only N entries.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use crate::result::PathBuffer;
use crate::totals::{Totals, WideSum};

/// One directory of the breakdown. Entries deeper than the requested depth add into their
/// nearest ancestor that is listed; `into_entries` then folds each node into its parent, so every
/// listed directory holds its whole subtree, as du prints it.
pub struct TreeNode {
    parent: Option<Arc<TreeNode>>,
    path: Vec<u8>,
    depth: u32,
    bytes: WideSum,
    disk_bytes: WideSum,
    files: AtomicU64,
}

impl TreeNode {
    /// Adds a task's counts into this directory's bucket.
    pub fn add(&self, t: &Totals) {
        self.bytes.add(t.bytes);
        self.disk_bytes.add(t.disk_bytes);
        self.files.fetch_add(t.files, Relaxed);
    }
}

/// One line of the breakdown: a directory and everything under it, as `du -d N` prints it.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// The directory's path, from the root as given.
    #[cfg_attr(all(feature = "node", not(test)), napi(ts_type = "string | Buffer"))]
    pub path: PathBuffer,
    /// Apparent sizes of its whole subtree.
    pub bytes: u128,
    /// Allocated sizes of its whole subtree.
    pub disk_bytes: u128,
    /// Regular files in its subtree.
    pub files: u64,
    /// Its depth below the root (the root is 0).
    pub depth: u32,
}

/// The breakdown being gathered: a node per directory down to `max_depth`.
pub struct Tree {
    /// The deepest level that gets its own line.
    pub max_depth: u32,
    nodes: Mutex<Vec<Arc<TreeNode>>>,
}

impl Tree {
    /// A breakdown down to `max_depth` (the root is 0).
    pub fn new(max_depth: u32) -> Tree {
        Tree { max_depth, nodes: Mutex::new(Vec::new()) }
    }

    /// The bucket for a directory at `depth`: a new listed node if it is shallow enough,
    /// else its parent's bucket.
    pub fn bucket(
        &self,
        parent: Option<&Arc<TreeNode>>,
        depth: u32,
        path: impl FnOnce() -> Vec<u8>,
    ) -> Option<Arc<TreeNode>> {
        if depth > self.max_depth {
            return parent.cloned();
        }
        let node = Arc::new(TreeNode {
            parent: parent.cloned(),
            path: path(),
            depth,
            bytes: WideSum::default(),
            disk_bytes: WideSum::default(),
            files: AtomicU64::new(0),
        });
        self.nodes.lock().unwrap_or_else(|p| p.into_inner()).push(node.clone());
        Some(node)
    }

    /// Subtree totals, children before their parent (du's post-order), siblings by name.
    pub fn into_entries(self) -> Vec<TreeEntry> {
        let mut nodes = self.nodes.into_inner().unwrap_or_else(|p| p.into_inner());
        // Deepest first, so a node is complete before it is folded into its parent.
        nodes.sort_by_key(|n| Reverse(n.depth));
        for n in &nodes {
            if let Some(p) = &n.parent {
                p.bytes.add(n.bytes.get());
                p.disk_bytes.add(n.disk_bytes.get());
                p.files.fetch_add(n.files.load(Relaxed), Relaxed);
            }
        }
        let mut out: Vec<TreeEntry> = nodes
            .iter()
            .map(|n| TreeEntry {
                path: PathBuffer(n.path.clone()),
                bytes: n.bytes.get(),
                disk_bytes: n.disk_bytes.get(),
                files: n.files.load(Relaxed),
                depth: n.depth,
            })
            .collect();
        out.sort_by(|a, b| post_order(&a.path.0, &b.path.0));
        out
    }
}

/// Orders paths component by component, a directory after everything inside it. Empty
/// components do not count: a root written `dir/` (or `//`) comes after `dir/a`.
fn post_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let part = |c: &[u8]| !c.is_empty();
    let mut ai = a.split(|&c| c == crate::path::SEP).filter(|c| part(c));
    let mut bi = b.split(|&c| c == crate::path::SEP).filter(|c| part(c));
    loop {
        match (ai.next(), bi.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), Some(y)) => return x.cmp(y),
            (None, None) => return std::cmp::Ordering::Equal,
            // The shorter path is the ancestor: it goes last.
            (None, Some(_)) => return std::cmp::Ordering::Greater,
            (Some(_), None) => return std::cmp::Ordering::Less,
        }
    }
}

/// One of the largest files. Ordered by size first (the fields' order is the ordering).
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LargeFile {
    /// Its apparent size.
    pub bytes: u64,
    /// Its allocated size.
    pub disk_bytes: u128,
    /// Its path, from the root as given.
    #[cfg_attr(all(feature = "node", not(test)), napi(ts_type = "string | Buffer"))]
    pub path: PathBuffer,
}

/// The N largest files by apparent size. Workers check a relaxed threshold first, so the
/// lock is taken only by files that may enter the list. The heap grows with the files
/// found, never to N up front: N may be any u32 (`top: 1e9` asked for 40 GB at once).
pub struct Top {
    n: usize,
    threshold: AtomicU64,
    heap: Mutex<BinaryHeap<Reverse<LargeFile>>>,
}

impl Top {
    /// A list of at most `n` files.
    pub fn new(n: usize) -> Top {
        Top { n, threshold: AtomicU64::new(0), heap: Mutex::new(BinaryHeap::new()) }
    }

    /// A file found: kept if it is among the `n` largest so far (`path` is made only then).
    pub fn offer(&self, bytes: u64, disk_bytes: u128, path: impl FnOnce() -> Vec<u8>) {
        if self.n == 0 || bytes < self.threshold.load(Relaxed) {
            return;
        }
        let file = LargeFile { bytes, disk_bytes, path: PathBuffer(path()) };
        let mut heap = self.heap.lock().unwrap_or_else(|p| p.into_inner());
        heap.push(Reverse(file));
        if heap.len() > self.n {
            heap.pop();
        }
        if heap.len() == self.n {
            if let Some(Reverse(min)) = heap.peek() {
                self.threshold.store(min.bytes, Relaxed);
            }
        }
    }

    /// The list, largest first.
    pub fn into_largest(self) -> Vec<LargeFile> {
        let heap = self.heap.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut v: Vec<LargeFile> = heap.into_iter().map(|Reverse(f)| f).collect();
        v.sort_by(|a, b| b.cmp(a));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path with the platform's separator where `|` is.
    fn p(s: &str) -> Vec<u8> {
        s.replace('|', &(crate::path::SEP as char).to_string()).into_bytes()
    }

    #[test]
    fn post_order_puts_children_first() {
        let mut v = vec![p("r"), p("r|b"), p("r|a|x"), p("r|a")];
        v.sort_by(|a, b| post_order(a, b));
        assert_eq!(v, vec![p("r|a|x"), p("r|a"), p("r|b"), p("r")]);
        // Roots written with a trailing separator: still after what is inside them.
        for (root, child) in [("r|", "r|a"), ("||", "||a")] {
            let mut v = vec![p(root), p(child)];
            v.sort_by(|a, b| post_order(a, b));
            assert_eq!(v, vec![p(child), p(root)]);
        }
    }

    #[test]
    fn top_keeps_the_largest() {
        let t = Top::new(2);
        for (i, s) in [5u64, 1, 9, 3, 7].iter().enumerate() {
            t.offer(*s, 0, || format!("f{i}").into_bytes());
        }
        let v = t.into_largest();
        assert_eq!(v.iter().map(|f| f.bytes).collect::<Vec<_>>(), vec![9, 7]);
    }

    #[test]
    fn top_of_any_size_allocates_by_what_it_holds() {
        // The largest N a caller can ask for: nothing is reserved for it.
        let t = Top::new(u32::MAX as usize);
        for i in 0..3u64 {
            t.offer(i, 0, || vec![b'f']);
        }
        assert_eq!(t.into_largest().len(), 3);
    }

    #[test]
    fn tree_folds_subtrees() {
        let tree = Tree::new(1);
        let root = tree.bucket(None, 0, || p("r"));
        let a = tree.bucket(root.as_ref(), 1, || p("r|a"));
        let deep = tree.bucket(a.as_ref(), 2, || unreachable!());
        assert!(Arc::ptr_eq(deep.as_ref().unwrap(), a.as_ref().unwrap()));
        let t = Totals { bytes: 10, disk_bytes: 4096, files: 1, ..Default::default() };
        root.unwrap().add(&t);
        deep.unwrap().add(&t);
        let out = tree.into_entries();
        assert_eq!(out[0].path.0, p("r|a"));
        assert_eq!(out[0].bytes, 10);
        assert_eq!(out[1].bytes, 20);
        assert_eq!(out[1].files, 2);
    }
}
