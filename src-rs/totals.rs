//! Counters: plain totals, and the per-thread slots the workers add into.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::sys::{Kind, Meta};

/// What a scan counts (DESIGN.md: bytes = du -sb, disk_bytes = du -s -B1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub bytes: u64,
    pub disk_bytes: u64,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub others: u64,
}

impl Totals {
    #[inline]
    pub fn add_entry(&mut self, m: &Meta) {
        self.bytes += m.size;
        self.disk_bytes += m.disk_bytes();
        match m.kind {
            Kind::File => self.files += 1,
            Kind::Dir => self.dirs += 1,
            Kind::Symlink => self.symlinks += 1,
            Kind::Other => self.others += 1,
        }
    }

    pub fn add(&mut self, o: &Totals) {
        self.bytes += o.bytes;
        self.disk_bytes += o.disk_bytes;
        self.files += o.files;
        self.dirs += o.dirs;
        self.symlinks += o.symlinks;
        self.others += o.others;
    }

    pub fn entries(&self) -> u64 {
        self.files + self.dirs + self.symlinks + self.others
    }
}

/// One thread's running totals, on its own cache line. Only its thread writes it (so a
/// plain load + store, no locked read-modify-write); any thread may read it for progress.
#[derive(Default)]
#[repr(align(128))]
struct Slot {
    bytes: AtomicU64,
    disk_bytes: AtomicU64,
    files: AtomicU64,
    dirs: AtomicU64,
    symlinks: AtomicU64,
    others: AtomicU64,
}

fn bump(a: &AtomicU64, by: u64) {
    if by != 0 {
        a.store(a.load(Relaxed).wrapping_add(by), Relaxed);
    }
}

/// One slot per worker thread of the pool running a scan.
pub struct Slots {
    slots: Box<[Slot]>,
}

impl Slots {
    pub fn new(threads: usize) -> Slots {
        Slots { slots: (0..threads.max(1)).map(|_| Slot::default()).collect() }
    }

    /// Adds a batch into the calling thread's slot. `index` must be that thread's own, so
    /// that each slot has a single writer.
    pub fn flush(&self, index: usize, t: &Totals) {
        let s = &self.slots[index];
        bump(&s.bytes, t.bytes);
        bump(&s.disk_bytes, t.disk_bytes);
        bump(&s.files, t.files);
        bump(&s.dirs, t.dirs);
        bump(&s.symlinks, t.symlinks);
        bump(&s.others, t.others);
    }

    /// The sum over all threads: exact once the walk has finished, a consistent-enough
    /// snapshot (each counter monotonic) while it runs.
    pub fn sum(&self) -> Totals {
        let mut t = Totals::default();
        for s in self.slots.iter() {
            t.bytes += s.bytes.load(Relaxed);
            t.disk_bytes += s.disk_bytes.load(Relaxed);
            t.files += s.files.load(Relaxed);
            t.dirs += s.dirs.load(Relaxed);
            t.symlinks += s.symlinks.load(Relaxed);
            t.others += s.others.load(Relaxed);
        }
        t
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }
}
