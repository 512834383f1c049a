//! Counters: plain totals, and the per-thread slots the workers add into.
//!
//! Sizes are summed in 128 bits: one file may be 2^63 - 1 bytes (tmpfs, a sparse file), so
//! two of them already pass 2^64, and du (whose sums are uintmax_t plus an overflow check)
//! prints the exact figure. Counts of entries stay 64-bit: nothing holds 2^64 entries.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::sys::{Kind, Meta};

/// What a scan counts (ARCHITECTURE.md, "Semantics": bytes = du -sb, disk_bytes = du -s -B1).
/// With the `node` feature this is also the object JavaScript receives: BigInts.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Apparent sizes (st_size), as du -sb.
    pub bytes: u128,
    /// Allocated sizes (st_blocks * 512), as du -s -B1.
    pub disk_bytes: u128,
    /// Regular files.
    pub files: u64,
    /// Directories, the root included.
    pub dirs: u64,
    /// Symbolic links (not followed).
    pub symlinks: u64,
    /// Everything else: sockets, fifos, devices.
    pub others: u64,
}

impl Totals {
    /// Counts one entry.
    #[inline]
    pub fn add_entry(&mut self, m: &Meta) {
        self.bytes += m.size as u128;
        self.disk_bytes += m.disk_bytes();
        match m.kind {
            Kind::File => self.files += 1,
            Kind::Dir => self.dirs += 1,
            Kind::Symlink => self.symlinks += 1,
            Kind::Other => self.others += 1,
        }
    }

    /// Adds another set of totals into this one.
    pub fn add(&mut self, o: &Totals) {
        self.bytes += o.bytes;
        self.disk_bytes += o.disk_bytes;
        self.files += o.files;
        self.dirs += o.dirs;
        self.symlinks += o.symlinks;
        self.others += o.others;
    }

    /// What was added since `before` (an earlier reading of the same counters).
    pub fn since(&self, before: &Totals) -> Totals {
        Totals {
            bytes: self.bytes - before.bytes,
            disk_bytes: self.disk_bytes - before.disk_bytes,
            files: self.files - before.files,
            dirs: self.dirs - before.dirs,
            symlinks: self.symlinks - before.symlinks,
            others: self.others - before.others,
        }
    }

    /// Entries of every kind.
    pub fn entries(&self) -> u64 {
        self.files + self.dirs + self.symlinks + self.others
    }
}

/// A 128-bit sum kept in two 64-bit atomics (there is no portable AtomicU128): the low
/// word, and the carries out of it in the high word. Exact once every writer is done; a
/// read while writers run may see a carry before or after the low word it belongs to
/// (progress only, which is a float anyway).
#[derive(Default)]
pub struct WideSum {
    lo: AtomicU64,
    hi: AtomicU64,
}

impl WideSum {
    /// Any number of writers: the carry is read off the value fetch_add replaced, so no
    /// addition is lost or counted twice.
    pub fn add(&self, by: u128) {
        let (lo, hi) = (by as u64, (by >> 64) as u64);
        let mut carry = hi;
        if lo != 0 {
            let before = self.lo.fetch_add(lo, Relaxed);
            carry += before.overflowing_add(lo).1 as u64;
        }
        if carry != 0 {
            self.hi.fetch_add(carry, Relaxed);
        }
    }

    /// One writer only (a thread's own slot): a plain load and store, no locked instruction.
    fn add_single_writer(&self, by: u128) {
        let (lo, hi) = (by as u64, (by >> 64) as u64);
        let (sum, wrapped) = self.lo.load(Relaxed).overflowing_add(lo);
        let carry = hi + wrapped as u64;
        if carry != 0 {
            self.hi.store(self.hi.load(Relaxed).wrapping_add(carry), Relaxed);
        }
        if lo != 0 {
            self.lo.store(sum, Relaxed);
        }
    }

    /// The sum (exact once every writer is done).
    pub fn get(&self) -> u128 {
        ((self.hi.load(Relaxed) as u128) << 64) | self.lo.load(Relaxed) as u128
    }
}

/// One thread's running totals, on its own cache line. Only its thread writes it (so a
/// plain load + store, no locked read-modify-write); any thread may read it for progress.
#[derive(Default)]
#[repr(align(128))]
struct Slot {
    bytes: WideSum,
    disk_bytes: WideSum,
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

/// One slot per worker thread of the pool running a scan (the walker's own bookkeeping:
/// what leaves the crate is the `Totals` they sum to).
pub(crate) struct Slots {
    slots: Box<[Slot]>,
}

impl Slots {
    /// Slots for `threads` writers, indexed 0..threads.
    pub fn new(threads: usize) -> Slots {
        Slots { slots: (0..threads.max(1)).map(|_| Slot::default()).collect() }
    }

    /// Adds a batch into the calling thread's slot. `index` must be that thread's own, so
    /// that each slot has a single writer.
    pub fn flush(&self, index: usize, t: &Totals) {
        let s = &self.slots[index];
        s.bytes.add_single_writer(t.bytes);
        s.disk_bytes.add_single_writer(t.disk_bytes);
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
            t.bytes += s.bytes.get();
            t.disk_bytes += s.disk_bytes.get();
            t.files += s.files.load(Relaxed);
            t.dirs += s.dirs.load(Relaxed);
            t.symlinks += s.symlinks.load(Relaxed);
            t.others += s.others.load(Relaxed);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: u128 = (1 << 63) - 1;

    #[test]
    fn wide_sums_carry_past_2_to_the_64() {
        let w = WideSum::default();
        for _ in 0..5 {
            w.add(BIG);
        }
        w.add(1 << 70);
        assert_eq!(w.get(), 5 * BIG + (1 << 70));
        let slots = Slots::new(2);
        let t = Totals { bytes: BIG, disk_bytes: BIG + 1, ..Default::default() };
        for _ in 0..3 {
            slots.flush(0, &t);
            slots.flush(1, &t);
        }
        let sum = slots.sum();
        assert_eq!(sum.bytes, 6 * BIG);
        assert_eq!(sum.disk_bytes, 6 * (BIG + 1));
    }

    #[test]
    fn wide_sums_are_exact_under_contention() {
        let w = WideSum::default();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..10_000 {
                        w.add(u64::MAX as u128 / 3);
                    }
                });
            }
        });
        assert_eq!(w.get(), 40_000 * (u64::MAX as u128 / 3));
    }
}
