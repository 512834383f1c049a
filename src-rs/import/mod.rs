//! Loading saved scans: ncdu's JSON export format, as dirsize (`-o`), ncdu (1.x and 2.x)
//! and gdu write it, read back into the `RootResult`s a live scan of the same tree gives,
//! without touching the tree. One file is one root; several files are several roots of one
//! scan, sharing one link set, as a live scan of several roots.
//!
//! The file is read as a stream (json.rs): each entry is counted as it comes into the same
//! structures the walker fills (`Totals`, breakdown.rs's `Tree` and `Top`, links.rs's
//! `LinkSet`), so memory grows with the depth of the tree and the breakdown asked for, never
//! with the file. Every non-directory goes through one function, `Loader::count_entry`, with a
//! plain `Record`. A file that cannot be read to its end is an error naming the file and the
//! position: there is no partial result.
//!
//! What an export does not say, and what is then counted (README, "Loading a saved scan"):
//! an entry without `mode` that is `notreg` counts as `others` (ncdu 1.x cannot tell a
//! symlink from a fifo), but in gdu's export, which marks only symlinks; gdu writes no size of
//! a directory's own (and when it writes one, it is its subtree's: ignored), so there a
//! directory adds 0 bytes; a `read_error` is an error whose reason was not saved (a
//! directory's own size still counts, a non-directory's stat failed: it counts nothing); an
//! `excluded` entry is neither counted nor entered, as in the scan that wrote it.
//!
//! Groups and file filters apply as in the walker (groups.rs `Counting`), from the entry's
//! saved fields: the owner, group and mtime only an extended export (`dirsize -o -e`,
//! `ncdu -e`) saves. A key or filter that needs a field an entry it reaches lacks stops the
//! load with an error naming the option, rather than group the entry under a made-up value;
//! `time` can only be mtime (the one timestamp saved).

pub mod json;

#[cfg(all(feature = "node", not(test)))]
mod binding;

use std::fs::File;
use std::io::{BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;

use crate::breakdown::{Top, Tree, TreeNode};
use crate::groups::{Counting, Grouping, Names};
use crate::links::LinkSet;
use crate::options::{OptionError, ScanOptions};
use crate::result::{PathBuffer, RootResult, ScanError, ScanFailure, ScanResult};
use crate::sys::{Ext, Kind, Meta, Stamp};
use crate::totals::Totals;
use json::{Events, RawEntry, Reader};

/// The most errors kept per root (all are counted), as the walker.
const MAX_ERRORS: usize = 10_000;

/// The errno a saved `read_error` is reported with: libuv's UV_UNKNOWN (Node's code
/// `UNKNOWN`), since no export saves why the entry could not be read.
pub const SAVED_ERRNO: i32 = 4094;

/// A saved scan that could not be read to its end.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file, as given.
    #[cfg_attr(all(feature = "node", not(test)), napi(ts_type = "string | Buffer"))]
    pub file: PathBuffer,
    /// What is wrong.
    pub message: String,
    /// The errno when the file itself could not be opened or read (0 otherwise).
    pub errno: i32,
    /// Byte offset (0-based) where reading stopped; in the decompressed data of a .gz.
    pub offset: i64,
    /// 1-based line there.
    pub line: i64,
    /// 1-based column (bytes) there.
    pub column: i64,
    /// The file is gzip-compressed (the offset is into its decompressed data).
    pub gzip: bool,
}

/// A non-directory entry listed for `diff` (see `load`'s `list_depth`).
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedEntry {
    /// Its path, from the root as saved.
    #[cfg_attr(all(feature = "node", not(test)), napi(ts_type = "string | Buffer"))]
    pub path: PathBuffer,
    /// Apparent size.
    pub bytes: u128,
    /// Allocated size.
    pub disk_bytes: u128,
    /// A regular file (not a symlink, fifo, socket or device).
    pub file: bool,
    /// Its depth below the root (the root is 0).
    pub depth: u32,
}

/// Why a load has no result.
#[derive(Debug)]
pub enum LoadFailure {
    /// A file could not be read to its end.
    File(LoadError),
    /// Stopped by `strict` or cancelled, as a scan is.
    Scan(ScanFailure),
    /// An option a saved scan cannot apply (`time` other than mtime), or a bad one.
    Option(OptionError),
}

/// One entry of a saved scan as the loader counts it: what any export format gives, with
/// what it leaves out already filled in (the device inherited from the parent, the kind).
#[derive(Debug, Clone)]
pub struct Record {
    /// Its name (a root's: its path).
    pub name: Vec<u8>,
    /// What it is.
    pub kind: Kind,
    /// Apparent size (st_size).
    pub asize: u64,
    /// Allocated size in bytes (st_blocks * 512).
    pub dsize: u64,
    /// Its device (the parent's when the export does not say).
    pub dev: u64,
    /// Its inode, when saved (ncdu saves it only for hard links).
    pub ino: Option<u64>,
    /// Whether another link to it may be met: nlink > 1, or ncdu's `hlnkc`.
    pub linked: bool,
    /// Could not be read when the scan was saved.
    pub read_error: bool,
    /// The extended fields, when saved (ncdu -e, dirsize's export).
    pub uid: Option<u64>,
    /// See `uid`.
    pub gid: Option<u64>,
    /// See `uid`: st_mode.
    pub mode: Option<u64>,
    /// See `uid`: seconds.
    pub mtime: Option<i64>,
}

/// Which program wrote the file: only gdu's directories mean something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    Ncdu,
    Gdu,
    /// dirsize's own export: a root that is a file is saved as the one entry of a directory
    /// that has no size of its own (ncdu's top level must be a directory).
    Dirsize,
}

impl Record {
    /// The entry as the walker's stat gives it to the filters and groups: `time` is the
    /// mtime (the one timestamp saved); a field not saved reads 0, which `Loader::missing`
    /// keeps from being used.
    fn meta(&self) -> Meta {
        let mtime = self.mtime.unwrap_or(0);
        Meta {
            kind: self.kind,
            size: self.asize,
            blocks: self.dsize / 512,
            dev: self.dev,
            ino: self.ino.unwrap_or(0) as crate::sys::FileId,
            nlink: if self.linked { 2 } else { 1 },
            mount_root: false,
            ext: Ext {
                uid: self.uid.unwrap_or(0) as u32,
                gid: self.gid.unwrap_or(0) as u32,
                mode: self.mode.unwrap_or(0) as u32,
                mtime,
            },
            time: mtime,
        }
    }

    fn of(e: RawEntry, is_dir: bool, parent_dev: u64, writer: Writer) -> Record {
        let kind = if is_dir {
            Kind::Dir
        } else {
            match e.mode {
                Some(mode) => match mode & 0o170000 {
                    0o100000 => Kind::File,
                    0o040000 => Kind::Dir,
                    0o120000 => Kind::Symlink,
                    _ => Kind::Other,
                },
                None if e.notreg && writer == Writer::Gdu => Kind::Symlink,
                None if e.notreg => Kind::Other,
                None => Kind::File,
            }
        };
        // gdu's directory sizes, when present, are its subtree's, already counted entry by entry.
        let own = !(is_dir && writer == Writer::Gdu);
        Record {
            name: e.name,
            kind,
            asize: if own { e.asize.unwrap_or(0) } else { 0 },
            dsize: if own { e.dsize.unwrap_or(0) } else { 0 },
            dev: e.dev.unwrap_or(parent_dev),
            ino: e.ino,
            linked: e.nlink.map_or(e.hlnkc, |n| n > 1),
            read_error: e.read_error,
            uid: e.uid,
            gid: e.gid,
            mode: e.mode,
            mtime: e.mtime,
        }
    }
}

/// An open directory of the root being read.
struct Frame {
    /// Length of the path buffer before this directory's name was added.
    path_len: usize,
    dev: u64,
    /// Not counted (excluded, or counted before): nothing inside it counts either.
    skip: bool,
    /// What was counted directly in it, added to its bucket when it closes.
    totals: Totals,
    bucket: Option<Arc<TreeNode>>,
}

/// The root being read.
struct RootState {
    path: Vec<u8>,
    totals: Totals,
    errors: Vec<ScanError>,
    error_count: u64,
    tree: Option<Tree>,
    top: Option<Top>,
    groups: Option<Grouping>,
}

/// Counts one file's entries into its root.
struct Loader<'a> {
    opts: &'a ScanOptions,
    counting: &'a Counting,
    names: &'a Names,
    links: &'a LinkSet,
    /// Several files (roots): every directory and every entry whose inode is saved goes
    /// through the link set, as the walker sends directories and named roots across roots.
    several: bool,
    cancel: &'a AtomicBool,
    writer: Writer,
    /// The path of the innermost open directory.
    path: Vec<u8>,
    frames: Vec<Frame>,
    root: Option<RootState>,
    done: Option<RootResult>,
    strict: Option<ScanError>,
    /// List non-directories down to this depth (for `diff`), whether or not they count.
    list_depth: Option<u32>,
    listed: Vec<ListedEntry>,
    /// The root is dirsize's wrapper of a file root: its one entry is the root.
    wrapper: bool,
}

impl<'a> Loader<'a> {
    fn admit(&self, r: &Record) -> bool {
        if self.opts.count_links {
            return true;
        }
        let ino = match r.ino {
            Some(ino) => ino,
            None => return true,
        };
        let once = if r.kind == Kind::Dir { self.several } else { r.linked || self.several };
        !once || self.links.first_visit(r.dev, ino as crate::sys::FileId)
    }

    /// The option that needs a field `r` does not have, once the filters took it (`filtered`)
    /// or before (the time filters read the mtime of every non-directory).
    fn missing(&self, r: &Record, filtered: bool) -> Option<String> {
        let need = |option: &str, flag: &str, field: &str| {
            Some(format!(
                "{option} ({flag}) needs each entry's {field}, which this file does not save \
                 (save the scan with its extended fields: dirsize -o -e, ncdu -e)"
            ))
        };
        if !filtered {
            let f = match &self.opts.filter {
                Some(f) if r.kind != Kind::Dir && r.mtime.is_none() => f,
                _ => return None,
            };
            if f.older_than.is_some() {
                return need("filter.olderThan", "--older-than", "mtime");
            }
            if f.newer_than.is_some() {
                return need("filter.newerThan", "--newer-than", "mtime");
            }
            return None;
        }
        let by = &self.counting.by;
        if by.owner && r.uid.is_none() {
            return need("groupBy \"owner\"", "--by owner", "uid");
        }
        if by.group && r.gid.is_none() {
            return need("groupBy \"group\"", "--by group", "gid");
        }
        if by.age && r.mtime.is_none() {
            return need("groupBy \"age\"", "--by age", "mtime");
        }
        None
    }

    /// The filters and groups of an admitted entry, as the walker's `count`: whether it
    /// counts, and if so into its root's groups.
    fn counts(&self, r: &Record) -> Result<bool, String> {
        if let Some(m) = self.missing(r, false) {
            return Err(m);
        }
        let meta = r.meta();
        if !self.counting.counts(&meta) {
            return Ok(false);
        }
        if let Some(groups) = &self.root.as_ref().expect("a root").groups {
            if let Some(m) = self.missing(r, true) {
                return Err(m);
            }
            groups.add_sized(0, &meta, &r.name, r.dsize as u128);
        }
        Ok(true)
    }

    fn child_path(&self, name: &[u8]) -> Vec<u8> {
        let mut p = Vec::with_capacity(self.path.len() + 1 + name.len());
        p.extend_from_slice(&self.path);
        if !p.last().map_or(false, |&c| crate::path::is_separator(c)) {
            p.push(crate::path::SEP);
        }
        p.extend_from_slice(name);
        p
    }

    fn error(&mut self, path: Vec<u8>, listing: bool) -> Result<(), String> {
        let err = ScanError {
            path: PathBuffer(path),
            errno: SAVED_ERRNO,
            message: "could not be read when the scan was saved (the export keeps no reason)".to_string(),
            syscall: if listing { "scandir" } else { "lstat" },
        };
        if self.opts.strict {
            self.strict = Some(err);
            return Err("strict".into());
        }
        let root = self.root.as_mut().expect("an entry outside a root");
        root.error_count += 1;
        if root.errors.len() < MAX_ERRORS {
            root.errors.push(err);
        }
        Ok(())
    }

    /// Every non-directory entry, whatever wrote the export. Counted into the innermost open
    /// directory (`frames.last()`), or as a root of its own when none is open.
    fn count_entry(&mut self, r: Record) -> Result<(), String> {
        if let Some(f) = self.frames.last() {
            if f.skip {
                return Ok(());
            }
        }
        let depth = self.frames.len() as u32 - self.wrapper as u32;
        if self.list_depth.map_or(false, |d| depth <= d) {
            let path = if self.frames.is_empty() { self.path.clone() } else { self.child_path(&r.name) };
            self.listed.push(ListedEntry {
                path: PathBuffer(path),
                bytes: r.asize as u128,
                disk_bytes: r.dsize as u128,
                file: r.kind == Kind::File,
                depth,
            });
        }
        if !self.admit(&r) {
            return Ok(());
        }
        let path_of = |l: &Loader<'_>| if l.frames.is_empty() { l.path.clone() } else { l.child_path(&r.name) };
        if r.read_error {
            // A non-directory that could not be read is one whose stat failed: nothing of it
            // is known, and a live scan counts nothing of it either, only the error.
            let p = path_of(self);
            return self.error(p, false);
        }
        if !self.counts(&r)? {
            return Ok(());
        }
        let t = Totals {
            bytes: r.asize as u128,
            disk_bytes: r.dsize as u128,
            files: (r.kind == Kind::File) as u64,
            dirs: (r.kind == Kind::Dir) as u64,
            symlinks: (r.kind == Kind::Symlink) as u64,
            others: (r.kind == Kind::Other) as u64,
        };
        if r.kind == Kind::File {
            let p = || path_of(self);
            if let Some(top) = &self.root.as_ref().expect("a root").top {
                top.offer(r.asize, r.dsize as u128, p);
            }
        }
        match self.frames.last_mut() {
            Some(f) => f.totals.add(&t),
            None => self.root.as_mut().expect("a root").totals.add(&t),
        }
        Ok(())
    }

    fn start_root(&mut self, name: &[u8]) {
        self.path = crate::path::trim_root(name).to_vec();
        self.root = Some(RootState {
            path: self.path.clone(),
            totals: Totals::default(),
            errors: Vec::new(),
            error_count: 0,
            tree: self.opts.depth.map(Tree::new),
            top: if self.opts.top > 0 { Some(Top::new(self.opts.top as usize)) } else { None },
            groups: self.counting.grouping(1),
        });
    }

    fn finish_root(&mut self) {
        let s = self.root.take().expect("a root");
        self.done = Some(RootResult {
            path: PathBuffer(s.path),
            totals: s.totals,
            errors: s.errors,
            error_count: s.error_count,
            root_error: None,
            tree: s.tree.map(Tree::into_entries),
            largest: s.top.map(Top::into_largest),
            groups: s.groups.map(|g| g.into_lists(self.names)),
        });
    }
}

impl<'a> Events for Loader<'a> {
    fn header(&mut self, progname: &[u8]) {
        self.writer = match progname {
            b"gdu" => Writer::Gdu,
            b"dirsize" => Writer::Dirsize,
            _ => Writer::Ncdu,
        };
    }

    fn open_dir(&mut self, e: RawEntry, depth: u32) -> Result<(), String> {
        if depth == 0 {
            if self.done.is_some() {
                return Err("a second root: one file holds one root".into());
            }
            self.start_root(&e.name);
        }
        let parent = self.frames.last();
        let parent_dev = parent.map_or(0, |f| f.dev);
        let parent_skip = parent.map_or(false, |f| f.skip);
        let parent_bucket = parent.and_then(|f| f.bucket.clone());
        let path_len = self.path.len();
        if depth > 0 {
            // In place: a chain thousands deep would copy its whole path per level otherwise.
            if !self.path.last().map_or(false, |&c| crate::path::is_separator(c)) {
                self.path.push(crate::path::SEP);
            }
            self.path.extend_from_slice(&e.name);
        }
        let excluded = e.excluded;
        // dirsize writes every directory it stat'ed with its sizes (and mode, with -e); the
        // wrapper of a file root has none: it is not counted, its entry is the root.
        if depth == 0 && self.writer == Writer::Dirsize && !excluded && e.asize.is_none() && e.dsize.is_none() && e.mode.is_none() {
            self.wrapper = true;
            self.frames.push(Frame { path_len, dev: e.dev.unwrap_or(0), skip: false, totals: Totals::default(), bucket: None });
            return Ok(());
        }
        let r = Record::of(e, true, parent_dev, self.writer);
        let skip = parent_skip || excluded || !self.admit(&r);
        let mut frame = Frame { path_len, dev: r.dev, skip, totals: Totals::default(), bucket: None };
        if !skip {
            let root = self.root.as_ref().expect("a root");
            frame.bucket = match &root.tree {
                Some(tree) => tree.bucket(parent_bucket.as_ref(), depth, || self.path.clone()),
                None => None,
            };
            if r.read_error {
                let p = self.path.clone();
                self.error(p, true)?;
            }
            // Under a file filter a directory is walked, not counted.
            if self.counts(&r)? {
                frame.totals.add(&Totals {
                    bytes: r.asize as u128,
                    disk_bytes: r.dsize as u128,
                    dirs: 1,
                    ..Totals::default()
                });
            }
        }
        self.frames.push(frame);
        Ok(())
    }

    fn entry(&mut self, e: RawEntry, depth: u32) -> Result<(), String> {
        if depth == 0 {
            if self.done.is_some() {
                return Err("a second root: one file holds one root".into());
            }
            self.start_root(&e.name);
        }
        if self.wrapper && depth == 1 && !e.excluded {
            // A file root: its own path, and its own line in the breakdown (as the walker's).
            let path = self.child_path(&e.name);
            let root = self.root.as_mut().expect("a root");
            root.path = path.clone();
            let bucket = match &root.tree {
                Some(tree) => tree.bucket(None, 0, || path),
                None => None,
            };
            self.frames.last_mut().expect("the wrapper").bucket = bucket;
        }
        if !e.excluded {
            let parent_dev = self.frames.last().map_or(0, |f| f.dev);
            let r = Record::of(e, false, parent_dev, self.writer);
            self.count_entry(r)?;
        }
        if depth == 0 {
            self.finish_root();
        }
        Ok(())
    }

    fn close_dir(&mut self) -> Result<(), String> {
        let f = self.frames.pop().expect("an open directory");
        self.path.truncate(f.path_len);
        let root = self.root.as_mut().expect("a root");
        root.totals.add(&f.totals);
        if let Some(b) = &f.bucket {
            b.add(&f.totals);
        }
        if self.frames.is_empty() {
            self.finish_root();
        }
        Ok(())
    }

    fn stopped(&self) -> bool {
        self.cancel.load(Relaxed)
    }
}

/// Opens a saved scan: the file as it is, or its decompressed stream when it starts with
/// gzip's magic bytes.
fn open(file: &[u8]) -> Result<(Box<dyn Read>, bool), std::io::Error> {
    let f = File::open(os_path(file))?;
    let mut f = BufReader::with_capacity(64 * 1024, f);
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        let n = f.read(&mut magic[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let head = std::io::Cursor::new(magic[..got].to_vec());
    let whole = head.chain(f);
    if got == 2 && magic == [0x1f, 0x8b] {
        Ok((Box::new(flate2::read::MultiGzDecoder::new(whole)), true))
    } else {
        Ok((Box::new(whole), false))
    }
}

#[cfg(unix)]
fn os_path(b: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(b).into()
}

#[cfg(not(unix))]
fn os_path(b: &[u8]) -> std::path::PathBuf {
    String::from_utf8_lossy(b).into_owned().into()
}

/// Loads saved scans, one root per file, in order, sharing one link set. `cancel` stops it.
pub fn load(files: &[Vec<u8>], opts: &ScanOptions, cancel: &AtomicBool) -> Result<ScanResult, LoadFailure> {
    load_listing(files, opts, cancel, None).map(|(r, _)| r)
}

/// `load`, also listing every non-directory down to `list_depth` (the root is 0), per root:
/// what `diff` compares besides the directories.
pub fn load_listing(
    files: &[Vec<u8>],
    opts: &ScanOptions,
    cancel: &AtomicBool,
    list_depth: Option<u32>,
) -> Result<(ScanResult, Vec<Vec<ListedEntry>>), LoadFailure> {
    let counting = Counting::new(opts).map_err(LoadFailure::Option)?;
    if crate::select::stamp(opts).map_err(LoadFailure::Option)? != Stamp::Modified {
        let message = "time: a saved scan has only mtime (no export saves atime or ctime)".to_string();
        return Err(LoadFailure::Option(OptionError::invalid("time", message)));
    }
    let names = Names::default();
    let links = LinkSet::default();
    let mut result = ScanResult::default();
    let mut listed = Vec::new();
    for file in files {
        let fail = |message: String, errno: i32, pos: Option<&json::Syntax>, gzip: bool| {
            LoadFailure::File(LoadError {
                file: PathBuffer(file.clone()),
                message,
                errno,
                offset: pos.map_or(-1, |p| p.offset as i64),
                line: pos.map_or(-1, |p| p.line as i64),
                column: pos.map_or(-1, |p| p.column as i64),
                gzip,
            })
        };
        let (src, gzip) = match open(file) {
            Ok(s) => s,
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(0);
                let message = crate::sys::OsError(errno).message();
                return Err(fail(if errno != 0 { message } else { e.to_string() }, errno, None, false));
            }
        };
        let mut loader = Loader {
            opts,
            counting: &counting,
            names: &names,
            links: &links,
            several: files.len() > 1,
            cancel,
            writer: Writer::Ncdu,
            path: Vec::new(),
            frames: Vec::new(),
            root: None,
            done: None,
            strict: None,
            list_depth,
            listed: Vec::new(),
            wrapper: false,
        };
        let mut reader = Reader::new(src);
        if let Err(e) = json::read(&mut reader, &mut loader) {
            if let Some(s) = loader.strict.take() {
                return Err(LoadFailure::Scan(ScanFailure::Strict(s)));
            }
            if cancel.load(Relaxed) {
                return Err(LoadFailure::Scan(ScanFailure::Aborted));
            }
            return Err(fail(e.message.clone(), 0, Some(&e), gzip));
        }
        let root = loader.done.take().expect("read() ends after its root");
        result.totals.add(&root.totals);
        result.error_count += root.error_count;
        if let Some(groups) = &root.groups {
            crate::groups::merge_lists(result.groups.get_or_insert_with(Vec::new), groups);
        }
        result.roots.push(root);
        listed.push(std::mem::take(&mut loader.listed));
    }
    Ok((result, listed))
}

/// The same, with a cancel flag of its own (for Rust callers).
pub fn load_files(files: &[Vec<u8>], opts: &ScanOptions) -> Result<ScanResult, LoadFailure> {
    load(files, opts, &AtomicBool::new(false))
}

#[cfg(all(test, unix))]
mod tests;
