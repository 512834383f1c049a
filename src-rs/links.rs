//! The set of (device, inode) pairs already counted: hard links count once, as in du.
//! Only entries that can be reached twice go in (nlink > 1, or anything when following
//! symlinks), so the set stays small on ordinary trees.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;

use crate::sys::FileId;

const SHARDS: usize = 64;

type Shard = Mutex<HashSet<(u64, FileId)>>;

/// The (device, inode) pairs seen so far, sharded so that workers rarely wait on each other.
pub struct LinkSet {
    shards: Box<[Shard]>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for LinkSet {
    fn default() -> Self {
        LinkSet {
            shards: (0..SHARDS).map(|_| Mutex::new(HashSet::new())).collect(),
            hasher: Default::default(),
        }
    }
}

impl LinkSet {
    /// True the first time a (dev, ino) is seen in this scan.
    pub fn first_visit(&self, dev: u64, ino: FileId) -> bool {
        // Not hash_one (Rust 1.71): scripts/wine-check builds this file with Rust 1.63.
        let mut h = self.hasher.build_hasher();
        (dev, ino).hash(&mut h);
        let shard = (h.finish() as usize) % SHARDS;
        let mut set = self.shards[shard].lock().unwrap_or_else(|p| p.into_inner());
        set.insert((dev, ino))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_pair_once() {
        let s = LinkSet::default();
        assert!(s.first_visit(1, 2));
        assert!(!s.first_visit(1, 2));
        assert!(s.first_visit(2, 2));
        assert!(s.first_visit(1, 3));
    }
}
