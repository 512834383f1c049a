//! Groups (`groupBy`): the counted entries totalled by extension, type, owner, group or age.
//!
//! Each worker adds into its own slot's maps (one writer per slot, so the lock is never
//! contended), keyed by small things: the extension's raw bytes (interned per slot), a
//! uid or gid, an age bucket. A root's slots are merged when the root is done, and the
//! names of the ids looked up then, once per id per scan. An entry is grouped where the
//! walker counts it (after the link set and the file filters), so every key's groups
//! partition exactly what the totals hold: their sums are the totals.
//!
//! The accounting is a function of one entry's `Meta` and name (`Grouping::add`), so a
//! source of entries other than the walker (a saved scan) can group them the same way.
//!
//! Kept to Rust 1.63, with the walker: see lib.rs.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Mutex;

use crate::options::{OptionError, ScanOptions};
use crate::select::Select;
use crate::sys::{Fields, Kind, Meta};

/// What decides how an entry is counted beyond the totals, compiled once per scan: the file
/// filters, the groups, the fields their stats need, and the scan's "now".
#[derive(Debug, Clone)]
pub struct Counting {
    /// The file filters (None: every entry counts).
    pub select: Option<Select>,
    /// The groups asked for.
    pub by: By,
    /// The timestamp they read, which the stats then fill (`Meta::time`).
    pub fields: Fields,
    /// Seconds since the epoch, taken once: the age groups count back from it.
    pub now: i64,
}

impl Counting {
    /// Compiles `opts`' filters and groups, or names the option that cannot be used.
    pub fn new(opts: &ScanOptions) -> Result<Counting, OptionError> {
        let select = Select::new(opts)?;
        let by = By::new(opts)?;
        let stamp = crate::select::stamp(opts)?;
        let fields = crate::select::fields(select.as_ref(), &by, stamp);
        let now = match opts.now {
            Some(now) => now,
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        };
        Ok(Counting { select, by, fields, now })
    }

    /// Whether an entry the walk admitted counts (the file filters).
    #[inline]
    pub fn counts(&self, m: &Meta) -> bool {
        self.select.as_ref().map_or(true, |s| s.counts(m))
    }

    /// A root's groups, for a walk on `slots` threads; None when none is asked for.
    pub fn grouping(&self, slots: usize) -> Option<Grouping> {
        if self.by.any() {
            Some(Grouping::new(self.by.clone(), self.now, slots))
        } else {
            None
        }
    }
}

/// Which groups a scan totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct By {
    /// The keys in the order asked, each once (the order of the result's lists).
    order: Vec<&'static str>,
    /// By the name's last `.suffix`.
    pub extension: bool,
    /// By file, directory, symlink, other.
    pub kind: bool,
    /// By owner (uid).
    pub owner: bool,
    /// By group (gid).
    pub group: bool,
    /// By age of the chosen timestamp.
    pub age: bool,
}

impl By {
    /// The groups `opts.group_by` names, or the option's error.
    pub fn new(opts: &ScanOptions) -> Result<By, OptionError> {
        let mut by = By::default();
        for key in &opts.group_by {
            let (name, flag): (&'static str, &mut bool) = match key.as_str() {
                "extension" => ("extension", &mut by.extension),
                "type" => ("type", &mut by.kind),
                "owner" => ("owner", &mut by.owner),
                "group" => ("group", &mut by.group),
                "age" => ("age", &mut by.age),
                _ => {
                    return Err(OptionError::invalid(
                        "groupBy",
                        format!("groupBy: {key:?} is none of extension, type, owner, group, age"),
                    ))
                }
            };
            if cfg!(windows) && name != "extension" && name != "type" {
                return Err(OptionError::invalid(
                    "groupBy",
                    format!("groupBy: {name:?} is not available on Windows (ownership is a SID; file times are not read)"),
                ));
            }
            if !*flag {
                *flag = true;
                by.order.push(name);
            }
        }
        Ok(by)
    }

    /// Whether any group is asked for.
    pub fn any(&self) -> bool {
        !self.order.is_empty()
    }
}

/// One group: a key and what it holds.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The extension (`.gz`, `(none)`, `(directory)`...), type, owner or group name (the id
    /// as a number when it has no name), or age bucket.
    pub key: String,
    /// The uid (owner) or gid (group).
    pub id: Option<u32>,
    /// Entries of every kind in the group (their sum over a key's groups is files + dirs +
    /// symlinks + others).
    pub files: u64,
    /// Apparent sizes.
    pub bytes: u128,
    /// Allocated sizes.
    pub disk_bytes: u128,
}

/// The groups of one key, largest disk usage first.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupList {
    /// "extension", "type", "owner", "group" or "age".
    pub by: String,
    /// Its groups, by disk usage, then apparent size, then key.
    pub groups: Vec<Group>,
}

/// The keys of the type groups and of the extension groups of non-files.
const KINDS: [&str; 4] = ["file", "directory", "symlink", "other"];
const NOT_FILE: [&str; 4] = ["", "(directory)", "(symlink)", "(other)"];

/// The age buckets' upper bounds in seconds (1 day, 1 week, 30 days, 91 days, 365, 730 and
/// 1826 days); an age under 0 is `future`, one past the last bound `older`.
pub const AGE_BOUNDS: [i64; 7] = [86_400, 7 * 86_400, 30 * 86_400, 91 * 86_400, 365 * 86_400, 730 * 86_400, 1826 * 86_400];
/// The age groups' keys: `future`, then one per bound, then `older`.
pub const AGE_KEYS: [&str; 9] =
    ["future", "< 1 day", "< 1 week", "< 1 month", "< 3 months", "< 1 year", "< 2 years", "< 5 years", "older"];

/// The age bucket (an index of `AGE_KEYS`) of a timestamp `time`, both in seconds.
pub fn age_bucket(now: i64, time: i64) -> usize {
    let age = now.saturating_sub(time);
    if age < 0 {
        return 0;
    }
    1 + AGE_BOUNDS.iter().position(|&b| age < b).unwrap_or(AGE_BOUNDS.len())
}

/// The last `.suffix` of a name (after its last `/`, for a root): None for no dot, a name
/// that only starts with one (`.bashrc`), or one that ends with it (`a.`).
pub fn extension(name: &[u8]) -> Option<&[u8]> {
    let base = match name.iter().rposition(|&b| b == b'/') {
        Some(at) => &name[at + 1..],
        None => name,
    };
    match base.iter().rposition(|&b| b == b'.') {
        Some(at) if at > 0 && at + 1 < base.len() => Some(&base[at + 1..]),
        _ => None,
    }
}

/// The key of an extension's bytes: `.` and its lowercase (a name that is not UTF-8 is
/// read lossily, as JavaScript reads it).
fn extension_key(ext: &[u8]) -> String {
    format!(".{}", String::from_utf8_lossy(ext).to_lowercase())
}

#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    files: u64,
    bytes: u128,
    disk_bytes: u128,
}

impl Sum {
    #[inline]
    fn add(&mut self, m: &Meta, disk_bytes: u128) {
        self.files += 1;
        self.bytes += m.size as u128;
        self.disk_bytes += disk_bytes;
    }

    fn merge(&mut self, o: &Sum) {
        self.files += o.files;
        self.bytes += o.bytes;
        self.disk_bytes += o.disk_bytes;
    }
}

/// One slot's sums.
#[derive(Default)]
struct Acc {
    extensions: HashMap<Vec<u8>, Sum>,
    /// Files without an extension.
    no_extension: Sum,
    /// Indexed as `KINDS`: the type groups, and (but files) the extension groups of non-files.
    kinds: [Sum; 4],
    owners: HashMap<u32, Sum>,
    groups: HashMap<u32, Sum>,
    ages: [Sum; 9],
}

fn kind_index(k: Kind) -> usize {
    match k {
        Kind::File => 0,
        Kind::Dir => 1,
        Kind::Symlink => 2,
        Kind::Other => 3,
    }
}

/// The groups of one root being gathered: a slot per thread of the walk.
pub struct Grouping {
    by: By,
    now: i64,
    slots: Vec<Mutex<Acc>>,
}

impl Grouping {
    /// Groups `by`, ages counted back from `now`, for a walk on `slots` threads (one writer
    /// per slot).
    pub fn new(by: By, now: i64, slots: usize) -> Grouping {
        Grouping { by, now, slots: (0..slots.max(1)).map(|_| Mutex::default()).collect() }
    }

    /// Adds one counted entry, `name` its name (a root's whole path will do), into `slot`.
    #[inline]
    pub fn add(&self, slot: usize, m: &Meta, name: &[u8]) {
        self.add_sized(slot, m, name, m.disk_bytes())
    }

    /// `add`, with the allocated size given in bytes: a saved scan's `dsize`, which need not
    /// be whole 512-byte blocks, so the groups still sum to the totals.
    pub fn add_sized(&self, slot: usize, m: &Meta, name: &[u8], disk_bytes: u128) {
        let mut acc = self.slots[slot].lock().unwrap_or_else(|p| p.into_inner());
        let kind = kind_index(m.kind);
        // The type groups' sums are also the extension groups of non-files.
        if self.by.kind || (self.by.extension && kind != 0) {
            acc.kinds[kind].add(m, disk_bytes);
        }
        if self.by.extension && kind == 0 {
            match extension(name) {
                Some(ext) => match acc.extensions.get_mut(ext) {
                    Some(sum) => sum.add(m, disk_bytes),
                    None => acc.extensions.entry(ext.to_vec()).or_default().add(m, disk_bytes),
                },
                None => acc.no_extension.add(m, disk_bytes),
            }
        }
        if self.by.owner {
            acc.owners.entry(m.ext.uid).or_default().add(m, disk_bytes);
        }
        if self.by.group {
            acc.groups.entry(m.ext.gid).or_default().add(m, disk_bytes);
        }
        if self.by.age {
            acc.ages[age_bucket(self.now, m.time)].add(m, disk_bytes);
        }
    }

    /// The lists, in the order asked, each largest first; ids named through `names`.
    pub fn into_lists(self, names: &Names) -> Vec<GroupList> {
        let mut all = Acc::default();
        for slot in self.slots {
            let acc = slot.into_inner().unwrap_or_else(|p| p.into_inner());
            for (k, s) in acc.extensions {
                all.extensions.entry(k).or_default().merge(&s);
            }
            all.no_extension.merge(&acc.no_extension);
            for i in 0..4 {
                all.kinds[i].merge(&acc.kinds[i]);
            }
            for (k, s) in acc.owners {
                all.owners.entry(k).or_default().merge(&s);
            }
            for (k, s) in acc.groups {
                all.groups.entry(k).or_default().merge(&s);
            }
            for i in 0..all.ages.len() {
                all.ages[i].merge(&acc.ages[i]);
            }
        }
        let mut lists = Vec::new();
        for &by in &self.by.order {
            let mut groups: Vec<(String, Option<u32>, Sum)> = Vec::new();
            match by {
                "extension" => {
                    // Two byte strings may read as one key (lossy UTF-8, case): one group.
                    let mut keys: HashMap<String, Sum> = HashMap::new();
                    for (ext, s) in &all.extensions {
                        keys.entry(extension_key(ext)).or_default().merge(s);
                    }
                    groups.extend(keys.into_iter().map(|(k, s)| (k, None, s)));
                    groups.push(("(none)".to_string(), None, all.no_extension));
                    for i in 1..4 {
                        groups.push((NOT_FILE[i].to_string(), None, all.kinds[i]));
                    }
                }
                "type" => groups.extend((0..4).map(|i| (KINDS[i].to_string(), None, all.kinds[i]))),
                "owner" => groups.extend(all.owners.iter().map(|(&id, s)| (names.user(id), Some(id), *s))),
                "group" => groups.extend(all.groups.iter().map(|(&id, s)| (names.group(id), Some(id), *s))),
                _ => groups.extend((0..AGE_KEYS.len()).map(|i| (AGE_KEYS[i].to_string(), None, all.ages[i]))),
            }
            let mut groups: Vec<Group> = groups
                .into_iter()
                .filter(|g| g.2.files > 0)
                .map(|(key, id, s)| Group { key, id, files: s.files, bytes: s.bytes, disk_bytes: s.disk_bytes })
                .collect();
            sort(&mut groups);
            lists.push(GroupList { by: by.to_string(), groups });
        }
        lists
    }
}

/// Adds a root's lists into the whole scan's (the same keys, in the same order), so the
/// scan's groups are the merge of its roots'.
pub fn merge_lists(into: &mut Vec<GroupList>, root: &[GroupList]) {
    if into.is_empty() {
        into.extend(root.iter().map(|l| GroupList { by: l.by.clone(), groups: Vec::new() }));
    }
    for (all, list) in into.iter_mut().zip(root) {
        let mut by_key: HashMap<(String, Option<u32>), Group> =
            all.groups.drain(..).map(|g| ((g.key.clone(), g.id), g)).collect();
        for g in &list.groups {
            match by_key.get_mut(&(g.key.clone(), g.id)) {
                Some(a) => {
                    a.files += g.files;
                    a.bytes += g.bytes;
                    a.disk_bytes += g.disk_bytes;
                }
                None => {
                    by_key.insert((g.key.clone(), g.id), g.clone());
                }
            }
        }
        all.groups = by_key.into_values().collect();
        sort(&mut all.groups);
    }
}

/// Largest disk usage first, then apparent size, then key: one order for both walkers.
fn sort(groups: &mut [Group]) {
    groups.sort_by(|a, b| (Reverse(a.disk_bytes), Reverse(a.bytes), &a.key).cmp(&(Reverse(b.disk_bytes), Reverse(b.bytes), &b.key)));
}

/// User and group names, looked up once per id per scan (every root shares it).
#[derive(Default)]
pub struct Names {
    users: Mutex<HashMap<u32, String>>,
    groups: Mutex<HashMap<u32, String>>,
}

impl Names {
    /// The name of `uid`, or the number when it has none.
    pub fn user(&self, uid: u32) -> String {
        let mut known = self.users.lock().unwrap_or_else(|p| p.into_inner());
        known.entry(uid).or_insert_with(|| crate::sys::user_name(uid).unwrap_or_else(|| uid.to_string())).clone()
    }

    /// The name of `gid`, or the number when it has none.
    pub fn group(&self, gid: u32) -> String {
        let mut known = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        known.entry(gid).or_insert_with(|| crate::sys::group_name(gid).unwrap_or_else(|| gid.to_string())).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_as_the_readme_states() {
        assert_eq!(extension(b"a.tar.GZ"), Some(&b"GZ"[..]));
        assert_eq!(extension(b".bashrc"), None);
        assert_eq!(extension(b"a."), None);
        assert_eq!(extension(b"Makefile"), None);
        assert_eq!(extension(b"..x"), Some(&b"x"[..]));
        assert_eq!(extension(b"dir.d/file"), None, "a root's path: only its last name");
        assert_eq!(extension_key(b"GZ"), ".gz");
    }

    #[test]
    fn age_buckets_at_their_bounds() {
        let now = 1_000_000_000;
        assert_eq!(AGE_KEYS[age_bucket(now, now + 1)], "future");
        assert_eq!(AGE_KEYS[age_bucket(now, now)], "< 1 day");
        assert_eq!(AGE_KEYS[age_bucket(now, now - 86_399)], "< 1 day");
        assert_eq!(AGE_KEYS[age_bucket(now, now - 86_400)], "< 1 week");
        assert_eq!(AGE_KEYS[age_bucket(now, now - 1826 * 86_400 + 1)], "< 5 years");
        assert_eq!(AGE_KEYS[age_bucket(now, now - 1826 * 86_400)], "older");
        assert_eq!(AGE_KEYS[age_bucket(now, i64::MIN)], "older");
    }

    #[test]
    fn groups_partition_what_is_added() {
        let by = By::new(&ScanOptions { group_by: vec!["extension".into(), "type".into(), "extension".into()], ..Default::default() }).unwrap();
        assert_eq!(by.order, ["extension", "type"]);
        let g = Grouping::new(by, 0, 2);
        let m = |kind, size| Meta { kind, size, blocks: 1, dev: 0, ino: 0, nlink: 1, mount_root: false, ext: Default::default(), time: 0 };
        g.add(0, &m(Kind::File, 10), b"a.TXT");
        g.add(1, &m(Kind::File, 5), b"b.txt");
        g.add(1, &m(Kind::Dir, 4096), b"d");
        g.add(0, &m(Kind::File, 1), b"README");
        let lists = g.into_lists(&Names::default());
        let ext: Vec<(&str, u64, u128)> = lists[0].groups.iter().map(|g| (g.key.as_str(), g.files, g.bytes)).collect();
        assert_eq!(ext, [(".txt", 2, 15), ("(directory)", 1, 4096), ("(none)", 1, 1)]);
        assert_eq!(lists[1].groups.iter().map(|g| g.files).sum::<u64>(), 4);
        assert!(By::new(&ScanOptions { group_by: vec!["size".into()], ..Default::default() }).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_walk_groups_what_it_counts_and_filters_before_grouping() {
        use crate::options::FileFilter;
        use std::ffi::CString;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("d")).unwrap();
        std::fs::write(dir.path().join("d/a.txt"), vec![1u8; 3000]).unwrap();
        std::fs::write(dir.path().join("b.TXT"), b"x").unwrap();
        std::fs::hard_link(dir.path().join("d/a.txt"), dir.path().join("link.txt")).unwrap();
        let root = CString::new(dir.path().to_str().unwrap()).unwrap();
        for threads in [1, 4] {
            let group_by = vec!["extension".to_string(), "type".to_string(), "owner".to_string(), "age".to_string()];
            let opts = ScanOptions { threads: Some(threads), group_by: group_by.clone(), ..Default::default() };
            let r = crate::Scan::new(&opts).unwrap().run(&[root.clone()]).unwrap();
            let lists = r.roots[0].groups.as_ref().unwrap();
            for list in lists {
                assert_eq!(list.groups.iter().map(|g| g.bytes).sum::<u128>(), r.totals.bytes, "{}", list.by);
                assert_eq!(list.groups.iter().map(|g| g.files).sum::<u64>(), r.totals.entries(), "{}", list.by);
            }
            let txt = lists[0].groups.iter().find(|g| g.key == ".txt").unwrap();
            assert_eq!((txt.files, txt.bytes), (2, 3001), "the hard link once");
            assert_eq!(r.groups.as_ref().unwrap(), lists, "one root: the scan's groups are its");
            let filter = Some(FileFilter { min_size: Some(2), ..Default::default() });
            let opts = ScanOptions { threads: Some(threads), group_by, filter, ..Default::default() };
            let r = crate::Scan::new(&opts).unwrap().run(&[root.clone()]).unwrap();
            assert_eq!((r.totals.files, r.totals.dirs, r.totals.bytes), (1, 0, 3000));
            assert_eq!(r.groups.unwrap()[1].groups.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(), ["file"]);
        }
    }
}
