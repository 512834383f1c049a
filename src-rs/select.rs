//! The file filters (`filter`: minSize, maxSize, olderThan, newerThan, type): which
//! non-directories count. With any filter set, directories are walked and not counted, so
//! the totals, the groups, the `depth` tree and the `top` list hold only matching entries
//! (as `find ROOT ! -type d ...` lists them). Named `select` beside options.rs's `Filter`,
//! which decides what is walked at all (exclude, ignore).
//!
//! Kept to Rust 1.63, with the walker: see lib.rs.

use crate::options::{OptionError, ScanOptions};
use crate::sys::{Fields, Kind, Meta, Stamp};

/// The filters of a scan, compiled: every one that is set must hold.
#[derive(Debug, Clone)]
pub struct Select {
    min_size: u64,
    max_size: u64,
    older_than: Option<i64>,
    newer_than: Option<i64>,
    /// Regular files, symlinks, others (the `type` letters f, l, o).
    kinds: [bool; 3],
}

impl Select {
    /// The filters `opts` sets, or None when it sets none (nothing then changes).
    pub fn new(opts: &ScanOptions) -> Result<Option<Select>, OptionError> {
        let f = match &opts.filter {
            Some(f) => f,
            None => return Ok(None),
        };
        let size = |v: Option<i64>, name: &'static str| -> Result<Option<u64>, OptionError> {
            match v {
                Some(n) if n < 0 => Err(OptionError::invalid(name, format!("{name}: a size cannot be negative, got {n}"))),
                v => Ok(v.map(|n| n as u64)),
            }
        };
        let min_size = size(f.min_size, "filter.minSize")?;
        let max_size = size(f.max_size, "filter.maxSize")?;
        let mut kinds = [f.types.is_empty(); 3];
        for t in &f.types {
            match t.as_str() {
                "f" => kinds[0] = true,
                "l" => kinds[1] = true,
                "o" => kinds[2] = true,
                _ => return Err(OptionError::invalid("filter.type", format!("filter.type: {t:?} is none of f, l, o"))),
            }
        }
        if (f.older_than.is_some() || f.newer_than.is_some()) && cfg!(windows) {
            let name = if f.older_than.is_some() { "filter.olderThan" } else { "filter.newerThan" };
            return Err(OptionError::invalid(name, format!("{name}: file times are not read on Windows")));
        }
        if min_size.is_none() && max_size.is_none() && f.older_than.is_none() && f.newer_than.is_none() && f.types.is_empty() {
            return Ok(None);
        }
        Ok(Some(Select {
            min_size: min_size.unwrap_or(0),
            max_size: max_size.unwrap_or(u64::MAX),
            older_than: f.older_than,
            newer_than: f.newer_than,
            kinds,
        }))
    }

    /// Whether `m` counts: never a directory; otherwise every filter holds.
    #[inline]
    pub fn counts(&self, m: &Meta) -> bool {
        let kind = match m.kind {
            Kind::Dir => return false,
            Kind::File => 0,
            Kind::Symlink => 1,
            Kind::Other => 2,
        };
        self.kinds[kind]
            && m.size >= self.min_size
            && m.size <= self.max_size
            && self.older_than.map_or(true, |t| m.time < t)
            && self.newer_than.map_or(true, |t| m.time > t)
    }

    /// Whether the filters read a timestamp.
    pub fn needs_time(&self) -> bool {
        self.older_than.is_some() || self.newer_than.is_some()
    }
}

/// The timestamp `time` names ("mtime" when unset).
pub fn stamp(opts: &ScanOptions) -> Result<Stamp, OptionError> {
    match opts.time.as_deref() {
        None | Some("mtime") => Ok(Stamp::Modified),
        Some("atime") => Ok(Stamp::Accessed),
        Some("ctime") => Ok(Stamp::Changed),
        Some(t) => Err(OptionError::invalid("time", format!("time: {t:?} is none of mtime, atime, ctime"))),
    }
}

/// The fields a scan's stats must fill for its filters and groups.
pub fn fields(select: Option<&Select>, by: &crate::groups::By, stamp: Stamp) -> Fields {
    let time = select.map_or(false, Select::needs_time) || by.age;
    Fields { time: if time { Some(stamp) } else { None } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::FileFilter;

    fn meta(kind: Kind, size: u64, time: i64) -> Meta {
        Meta { kind, size, blocks: 0, dev: 0, ino: 0, nlink: 1, mount_root: false, ext: Default::default(), time }
    }

    fn select(f: FileFilter) -> Result<Option<Select>, OptionError> {
        Select::new(&ScanOptions { filter: Some(f), ..Default::default() })
    }

    #[test]
    fn bounds_are_inclusive_for_sizes_and_strict_for_times() {
        let s = select(FileFilter { min_size: Some(10), max_size: Some(20), ..Default::default() }).unwrap().unwrap();
        assert!(!s.counts(&meta(Kind::File, 9, 0)));
        assert!(s.counts(&meta(Kind::File, 10, 0)));
        assert!(s.counts(&meta(Kind::File, 20, 0)));
        assert!(!s.counts(&meta(Kind::File, 21, 0)));
        assert!(!s.counts(&meta(Kind::Dir, 15, 0)), "a directory never counts under a filter");
        let s = select(FileFilter { older_than: Some(100), newer_than: Some(50), ..Default::default() }).unwrap().unwrap();
        assert!(!s.counts(&meta(Kind::File, 0, 100)));
        assert!(s.counts(&meta(Kind::File, 0, 99)));
        assert!(s.counts(&meta(Kind::Symlink, 0, 51)));
        assert!(!s.counts(&meta(Kind::File, 0, 50)));
    }

    #[test]
    fn types_and_bad_values_name_their_option() {
        let s = select(FileFilter { types: vec!["l".into(), "o".into()], ..Default::default() }).unwrap().unwrap();
        assert!(!s.counts(&meta(Kind::File, 0, 0)));
        assert!(s.counts(&meta(Kind::Symlink, 0, 0)));
        assert!(s.counts(&meta(Kind::Other, 0, 0)));
        assert_eq!(select(FileFilter { types: vec!["d".into()], ..Default::default() }).unwrap_err().option, "filter.type");
        assert_eq!(select(FileFilter { min_size: Some(-1), ..Default::default() }).unwrap_err().option, "filter.minSize");
        assert!(select(FileFilter::default()).unwrap().is_none(), "an empty filter is none");
    }
}
