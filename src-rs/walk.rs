//! The walker: one task per directory on rayon's work-stealing pool, large directories split
//! into chunks of names, every entry reached through its directory's file descriptor.
//!
//! A directory task opens its directory relative to its parent's fd, stats it through the
//! fd it just opened (so what is counted is what is read), lists it with getdents64, starts
//! a task for each subdirectory as soon as it is listed, and stats the other entries in
//! chunks relative to its own fd. The parent's fd is shared (Arc) by the tasks that still
//! need it and closes when the last of them has opened its own, so a chain thousands of
//! directories deep holds a handful of fds, and no path is ever resolved from the root.
//! Where the listing already gives an entry's metadata (Windows), it is counted from there.
//!
//! What is counted is the contract in ARCHITECTURE.md, "Semantics", which the TypeScript
//! walker (src/walker/core.ts) keeps too; "The walker, twice" there pairs their functions.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};

use crate::breakdown::{Top, Tree, TreeNode};
use crate::export::{Export, ExportDir, Refused};
use crate::groups::{Counting, Grouping, Names};
use crate::links::LinkSet;
use crate::options::{Filter, ScanOptions};
use crate::path::{push_name, trim_root, PathNode};
use crate::result::{PathBuffer, Progress, RootResult, ScanError, ScanFailure, ScanResult};
use crate::sys::{self, Dir, DirReader, DirRef, FileId, Hint, Kind, Meta, OsError};
use crate::totals::{Slots, Totals};

/// Names per stat task: enough work (~0.5 ms) to dwarf the cost of a task, small enough
/// that one huge directory spreads across every core. The benchmark's chunk sweep sets
/// another through `DIRSIZE_CHUNK` (an internal setting, read once: `chunk()`).
const CHUNK: usize = 256;

/// The chunk size in use: `DIRSIZE_CHUNK` (a positive integer) or `CHUNK`; 0 until read.
static CHUNK_IN_USE: AtomicUsize = AtomicUsize::new(0);

fn chunk() -> usize {
    let c = CHUNK_IN_USE.load(Relaxed);
    if c != 0 {
        return c;
    }
    // Two threads may both read the variable the first time: they store the same value.
    let c = match std::env::var("DIRSIZE_CHUNK").ok().and_then(|v| v.parse::<usize>().ok()) {
        Some(n) if n > 0 => n,
        _ => CHUNK,
    };
    CHUNK_IN_USE.store(c, Relaxed);
    c
}

/// Errors kept per root; past that only `error_count` grows (memory stays bounded even
/// when a scan of / as an unprivileged user hits millions of them).
pub const MAX_ERRORS: usize = 10_000;

/// Shared between the walk and whoever watches it: cancellation, live counters, and the
/// first error under `strict`. Made by `Scan`, which sizes its slots for the pool it runs on.
pub(crate) struct ScanState {
    cancel: Arc<AtomicBool>,
    slots: Slots,
    errors: AtomicU64,
    strict_error: Mutex<Option<ScanError>>,
}

impl ScanState {
    /// A state for a walk on `pool_threads` workers (0: serially, on the calling thread).
    /// Slot 0 is the calling thread's, slot i + 1 worker i's (see `Sched::slot`), so every
    /// slot has a single writer.
    pub(crate) fn new(pool_threads: usize, cancel: Arc<AtomicBool>) -> ScanState {
        ScanState {
            cancel,
            slots: Slots::new(pool_threads + 1),
            errors: AtomicU64::new(0),
            strict_error: Mutex::new(None),
        }
    }

    /// Asks the workers to stop; they check between entries.
    pub(crate) fn cancel(&self) {
        self.cancel.store(true, Relaxed);
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.load(Relaxed)
    }

    /// Totals so far, across every root of the scan; each counter only grows.
    pub(crate) fn progress(&self) -> Progress {
        Progress { totals: self.slots.sum(), errors: self.errors.load(Relaxed) }
    }

    /// Why the walk that just ended has no result, if it has none.
    fn failure(&self) -> Option<ScanFailure> {
        if let Some(e) = self.strict_error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Some(ScanFailure::Strict(e));
        }
        self.is_cancelled().then_some(ScanFailure::Aborted)
    }
}

/// Walks `roots` one after the other (each one in parallel on `pool`, or serially without
/// one), sharing the hard-link set so a file linked from two roots counts once, in the
/// first. Each root's result goes to `each` as soon as that root is done; none is kept here,
/// so results do not pile up over thousands of roots (the link set does grow, by one entry
/// per directory and per multiply-linked file).
pub(crate) fn walk_roots(
    roots: &[CString],
    opts: &ScanOptions,
    filter: &Filter,
    counting: &Counting,
    pool: Option<&rayon::ThreadPool>,
    state: &ScanState,
    export: Option<&Export>,
    mut each: impl FnMut(RootResult),
) -> Result<ScanResult, ScanFailure> {
    let links = LinkSet::default();
    let names = Names::default();
    let slots = pool.map_or(1, |p| p.current_num_threads() + 1);
    let (watch, dirs) = watch_set(roots, opts, state, pool);
    let mut result = ScanResult::default();
    for (i, root) in roots.iter().enumerate() {
        let root = CString::new(trim_root(root.as_bytes())).expect("a part of a C string");
        let known_dir = dirs.get(i).map_or(false, |&d| d);
        let walker = RootWalk {
            opts,
            filter,
            counting,
            groups: counting.grouping(slots),
            names: &names,
            state,
            links: &links,
            watch: &watch,
            root_dev: AtomicU64::new(0),
            dirs_once: roots.len() > 1 && !opts.count_links,
            errors: Mutex::new(Vec::new()),
            error_count: AtomicU64::new(0),
            tree: opts.depth.map(Tree::new),
            top: (opts.top > 0).then(|| Top::new(opts.top as usize)),
            root_error: Mutex::new(None),
            export,
        };
        let r = walker.walk(root, known_dir, pool)?;
        result.totals.add(&r.totals);
        result.error_count += r.error_count;
        if let Some(groups) = &r.groups {
            crate::groups::merge_lists(result.groups.get_or_insert_with(Vec::new), groups);
        }
        each(r);
    }
    Ok(result)
}

/// The (device, inode) of every root that is not a directory, when there are several
/// roots; and which roots were directories then.
///
/// du counts every inode once across its roots, in the first root that reaches it. A
/// directory is walked once (the link set takes every directory when there are several
/// roots), so a file with one link can be reached twice only if a root names it (`a/f a`,
/// `a a/f`, `a/f a/f`). Those few are known before the walk, and the walker sends a
/// single-link file through the link set only when it is one of them: a scan whose roots
/// are all directories does one lookup in an empty set per such file, nothing more. Its one
/// lookup by path per root is taken back at the root's turn: a root known to be a directory
/// is opened and stat'ed through its descriptor, not stat'ed by path again.
fn watch_set(
    roots: &[CString],
    opts: &ScanOptions,
    state: &ScanState,
    pool: Option<&rayon::ThreadPool>,
) -> (HashSet<(u64, FileId)>, Vec<bool>) {
    let mut set = HashSet::new();
    // -l counts every way in; -L sends every inode through the link set anyway.
    if roots.len() < 2 || opts.count_links || opts.follow_symlinks {
        return (set, Vec::new());
    }
    // A root that cannot be stat'ed now is reported when its turn comes.
    let stat = |root: &CString| match state.is_cancelled() {
        true => None,
        false => sys::stat_at(sys::cwd(), root, false).ok().map(|m| (m.kind == Kind::Dir, m.dev, m.ino)),
    };
    let found: Vec<Option<(bool, u64, FileId)>> = match pool {
        Some(pool) => pool.install(|| roots.par_iter().map(stat).collect()),
        None => roots.iter().map(stat).collect(),
    };
    let dirs = found.iter().map(|f| matches!(f, Some((true, _, _)))).collect();
    set.extend(found.into_iter().flatten().filter(|f| !f.0).map(|(_, dev, ino)| (dev, ino)));
    (set, dirs)
}

/// How tasks get run: rayon's scope (parallel) or a plain stack on this thread (serial).
/// The walker is the same code either way.
trait Sched<'w> {
    fn spawn(&self, walker: &'w RootWalk<'w>, job: Job);
    /// The calling thread's counter slot.
    fn slot(&self) -> usize;
}

impl<'w> Sched<'w> for rayon::Scope<'w> {
    fn spawn(&self, walker: &'w RootWalk<'w>, job: Job) {
        rayon::Scope::spawn(self, move |s| walker.run(job, s))
    }
    fn slot(&self) -> usize {
        rayon::current_thread_index().map_or(0, |i| i + 1)
    }
}

#[derive(Default)]
struct Serial {
    stack: RefCell<Vec<Job>>,
}

impl Serial {
    fn drain<'w>(&self, walker: &'w RootWalk<'w>) {
        loop {
            let job = self.stack.borrow_mut().pop();
            match job {
                Some(job) => walker.run(job, self),
                None => break,
            }
        }
    }
}

impl<'w> Sched<'w> for Serial {
    fn spawn(&self, _walker: &'w RootWalk<'w>, job: Job) {
        self.stack.borrow_mut().push(job);
    }
    fn slot(&self) -> usize {
        0
    }
}

enum Job {
    Dir(DirJob),
    Chunk(ChunkJob),
}

struct DirJob {
    /// The parent directory (None: the root, opened relative to the working directory).
    parent: Option<Arc<Dir>>,
    /// The parent's path node (None: the root). This directory's own node is made once it
    /// is stat'ed, since the node carries its identity.
    up: Option<Arc<PathNode>>,
    name: CString,
    /// Set when the parent already stat'ed and admitted this directory (it is counted
    /// here, in its own breakdown bucket).
    known: Option<Meta>,
    /// The breakdown node of the parent directory.
    bucket: Option<Arc<TreeNode>>,
    /// Reached by following a symlink (or an entry of unknown type, stat'ed with follow).
    via_link: bool,
    /// The parent's node in the export (None: no export, or the root).
    out: Option<Arc<ExportDir>>,
}

impl DirJob {
    fn path(&self) -> Vec<u8> {
        match &self.up {
            Some(up) => up.join(self.name.to_bytes()),
            None => self.name.to_bytes().to_vec(),
        }
    }

    fn depth(&self) -> u32 {
        self.up.as_ref().map_or(0, |up| up.depth + 1)
    }

    /// Whether the directory `m` (this job's) may lie inside itself: be one of its own
    /// ancestors, reached again through a bind mount or a followed symlink. du (fts) neither
    /// counts nor enters it, and says nothing: fts reports FTS_DC and du stays silent when a
    /// mount point is part of the cycle or links are followed, which on Linux is every way
    /// a cycle can form. The check runs only where a cycle can be: at or below a mount
    /// root, a change of device or a followed link; a plain tree has none.
    fn guarded(&self, m: &Meta) -> bool {
        match &self.up {
            Some(up) => up.guarded || self.via_link || m.mount_root || m.dev != up.dev,
            None => false,
        }
    }

    fn inside_itself(&self, m: &Meta) -> bool {
        self.guarded(m) && self.up.as_ref().map_or(false, |up| up.is_or_is_inside(m.dev, m.ino))
    }
}

struct ChunkJob {
    dir: Arc<Dir>,
    node: Arc<PathNode>,
    bucket: Option<Arc<TreeNode>>,
    /// NUL-terminated names, back to back: one allocation per chunk, not per entry.
    names: Vec<u8>,
    out: Option<Arc<ExportDir>>,
}

/// The walk of one root: what it shares with the scan's other roots (options, filter, state,
/// link set), and what it gathers for its own result.
struct RootWalk<'w> {
    opts: &'w ScanOptions,
    filter: &'w Filter,
    /// The file filters and the groups (crate::groups).
    counting: &'w Counting,
    groups: Option<Grouping>,
    names: &'w Names,
    state: &'w ScanState,
    links: &'w LinkSet,
    /// Roots that are not directories (see `watch_set`).
    watch: &'w HashSet<(u64, FileId)>,
    root_dev: AtomicU64,
    /// Several roots: a directory reached from two of them (`a a/b`, `a a`) counts in the
    /// first only, as du skips a directory it has already visited (not with du -l).
    dirs_once: bool,
    errors: Mutex<Vec<ScanError>>,
    error_count: AtomicU64,
    tree: Option<Tree>,
    top: Option<Top>,
    root_error: Mutex<Option<ScanError>>,
    /// Saving the scan in ncdu's format (export.rs): every entry is also written there.
    export: Option<&'w Export>,
}

thread_local! {
    static READER: RefCell<DirReader> = RefCell::new(DirReader::new());
}

/// Counts gathered by one task, added to the shared counters once at its end.
struct Batch<'a> {
    totals: Totals,
    bucket: Option<&'a Arc<TreeNode>>,
    /// The export's node of the directory whose entries these are, and the entries
    /// serialised for it, handed over with the counts.
    node: Option<Arc<ExportDir>>,
    entries: Vec<u8>,
    /// The running thread's slot (`Sched::slot`), which its groups add into.
    slot: usize,
}

impl<'a> Batch<'a> {
    fn new(bucket: Option<&'a Arc<TreeNode>>, node: Option<Arc<ExportDir>>, slot: usize) -> Batch<'a> {
        Batch { totals: Totals::default(), bucket, node, entries: Vec::new(), slot }
    }
}

impl<'w> RootWalk<'w> {
    /// Walks `root` (on `pool`, else serially) and gives its result.
    fn walk(self, root: CString, known_dir: bool, pool: Option<&rayon::ThreadPool>) -> Result<RootResult, ScanFailure> {
        let before = self.state.slots.sum();
        match pool {
            Some(pool) => pool.scope(|s| self.root(&root, known_dir, s)),
            None => {
                let serial = Serial::default();
                self.root(&root, known_dir, &serial);
                serial.drain(&self);
            }
        }
        if let Some(failure) = self.state.failure() {
            return Err(failure);
        }
        let totals = self.state.slots.sum().since(&before);
        Ok(self.into_result(root.into_bytes(), totals))
    }

    fn into_result(self, path: Vec<u8>, totals: Totals) -> RootResult {
        RootResult {
            path: PathBuffer(path),
            totals,
            errors: self.errors.into_inner().unwrap_or_else(|p| p.into_inner()),
            error_count: self.error_count.load(Relaxed),
            root_error: self.root_error.into_inner().unwrap_or_else(|p| p.into_inner()),
            tree: self.tree.map(Tree::into_entries),
            largest: self.top.map(Top::into_largest),
            groups: self.groups.map(|g| g.into_lists(self.names)),
        }
    }

    fn stopped(&self) -> bool {
        self.state.is_cancelled()
    }

    fn run<S: Sched<'w>>(&'w self, job: Job, s: &S) {
        if self.stopped() {
            return;
        }
        match job {
            Job::Dir(d) => self.dir(d, s),
            Job::Chunk(c) => self.chunk(c, s),
        }
    }

    fn stat_call(&self) -> &'static str {
        if self.opts.follow_symlinks { "stat" } else { "lstat" }
    }

    fn error(&self, path: Vec<u8>, e: OsError, syscall: &'static str) {
        let err = ScanError::new(path, e, syscall);
        self.error_count.fetch_add(1, Relaxed);
        self.state.errors.fetch_add(1, Relaxed);
        if self.opts.strict {
            let mut first = self.state.strict_error.lock().unwrap_or_else(|p| p.into_inner());
            if first.is_none() {
                *first = Some(err);
            }
            self.state.cancel();
            return;
        }
        let mut errors = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        if errors.len() < MAX_ERRORS {
            errors.push(err);
        }
    }

    /// Whether an entry counts: on the root's file system (if asked), and not already
    /// counted through another hard link, root or path, as du decides it: du -l counts
    /// every way in (even a directory reached through two symlinks under -L -l); du -L
    /// counts every inode once; otherwise a file with several links, a root named twice,
    /// and, with several roots, a directory, count once.
    fn admit(&self, m: &Meta, is_root: bool) -> bool {
        if self.opts.one_file_system && !is_root && m.dev != self.root_dev.load(Relaxed) {
            return false;
        }
        let once = if self.opts.count_links {
            false
        } else if self.opts.follow_symlinks {
            true
        } else if m.kind == Kind::Dir {
            self.dirs_once
        } else {
            m.may_be_linked() || (!self.watch.is_empty() && self.watch.contains(&(m.dev, m.ino)))
        };
        !once || self.links.first_visit(m.dev, m.ino)
    }

    /// Counts an admitted entry, `name` its name, if the file filters take it.
    fn count(&self, batch: &mut Batch<'_>, m: &Meta, name: &[u8], path: impl FnOnce() -> Vec<u8>) {
        if !self.counting.counts(m) {
            return;
        }
        batch.totals.add_entry(m);
        if let Some(groups) = &self.groups {
            groups.add(batch.slot, m, name);
        }
        if m.kind == Kind::File {
            if let Some(top) = &self.top {
                top.offer(m.size, m.disk_bytes(), path);
            }
        }
    }

    fn flush<S: Sched<'w>>(&self, batch: &mut Batch<'_>, s: &S) {
        self.state.slots.flush(s.slot(), &batch.totals);
        if let Some(b) = batch.bucket {
            b.add(&batch.totals);
        }
        if let Some(node) = &batch.node {
            node.add(std::mem::take(&mut batch.entries));
        }
    }

    /// Why `admit` refused `m`, as the export lists it.
    fn refusal(&self, m: &Meta) -> Refused {
        if self.opts.one_file_system && m.dev != self.root_dev.load(Relaxed) {
            Refused::OtherFs
        } else {
            Refused::Counted
        }
    }

    /// A directory task's entry that is not walked: listed in its parent's node by `write`.
    fn export_in_parent(&self, job: &DirJob, write: impl FnOnce(&Export, &mut Vec<u8>, &Arc<ExportDir>, &[u8])) {
        if let (Some(e), Some(parent)) = (self.export, &job.out) {
            let mut entries = Vec::new();
            write(e, &mut entries, parent, job.name.to_bytes());
            parent.add(entries);
        }
    }

    /// A root: `known_dir` when it was a directory just before the walk (see `watch_set`).
    fn root<S: Sched<'w>>(&'w self, root: &CString, known_dir: bool, s: &S) {
        let path = root.as_bytes();
        if !self.filter.is_empty() && self.filter.excludes_root(path) {
            if let Some(e) = self.export {
                e.excluded_root();
            }
            return;
        }
        // A root known to be a directory is stat'ed through the fd `dir` opens for it.
        let known = if known_dir {
            None
        } else {
            let meta = match sys::stat_at_fields(sys::cwd(), root, self.opts.follow_symlinks, self.counting.fields) {
                Ok(m) => m,
                Err(e) => return self.root_failed(path.to_vec(), e),
            };
            if !self.admit_root(&meta) {
                return;
            }
            if meta.kind != Kind::Dir {
                // du -d N prints a root that is a file too (its level is 0).
                let bucket = match &self.tree {
                    Some(tree) => tree.bucket(None, 0, || path.to_vec()),
                    None => None,
                };
                let mut batch = Batch::new(bucket.as_ref(), None, s.slot());
                self.count(&mut batch, &meta, path, || path.to_vec());
                if let Some(e) = self.export {
                    e.file_root(&meta);
                }
                return self.flush(&mut batch, s);
            }
            Some(meta)
        };
        let job = DirJob { parent: None, up: None, name: root.clone(), known, bucket: None, via_link: false, out: None };
        self.dir(job, s);
    }

    fn root_failed(&self, path: Vec<u8>, e: OsError) {
        let err = ScanError::new(path.clone(), e, self.stat_call());
        *self.root_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(err);
        self.error(path, e, self.stat_call());
    }

    fn admit_root(&self, m: &Meta) -> bool {
        self.root_dev.store(m.dev, Relaxed);
        self.admit(m, true)
    }

    /// `admit` for a directory task, which may be a root's.
    fn admit_dir(&self, job: &DirJob, m: &Meta) -> bool {
        if job.up.is_none() {
            self.admit_root(m)
        } else {
            self.admit(m, false)
        }
    }

    /// A directory task's entry could not be stat'ed: a root's is the root's own error.
    fn stat_failed(&self, job: &DirJob, e: OsError) {
        if job.up.is_none() {
            self.root_failed(job.path(), e)
        } else {
            self.error(job.path(), e, self.stat_call())
        }
    }

    /// The breakdown bucket of an admitted directory: made only once it is known to count,
    /// so a directory du skips (another device under -x, counted before, inside itself,
    /// not stat'able) gets no line.
    fn bucket(&self, job: &DirJob, path: impl FnOnce() -> Vec<u8>) -> Option<Arc<TreeNode>> {
        match &self.tree {
            Some(tree) => tree.bucket(job.bucket.as_ref(), job.depth(), path),
            None => None,
        }
    }

    /// A directory task: opens the directory relative to its parent, stats it through the fd
    /// it opened (unless the parent already did), counts it and lists it.
    fn dir<S: Sched<'w>>(&'w self, mut job: DirJob, s: &S) {
        let parent_fd: DirRef<'_> = match &job.parent {
            Some(dir) => sys::borrow(dir),
            None => sys::cwd(),
        };
        let fd = match sys::open_dir_at(parent_fd, &job.name, self.opts.follow_symlinks) {
            Ok(fd) => fd,
            Err(open_err) => return self.unopened(&job, parent_fd, open_err, s),
        };
        // The parent's descriptor closes once its last child has opened its own.
        job.parent = None;
        let m = match job.known {
            Some(m) => m,
            None => match sys::stat_dir_fields(&fd, self.counting.fields) {
                Ok(m) if self.admit_dir(&job, &m) => m,
                Ok(m) => return self.export_in_parent(&job, |e, out, p, name| e.refused(out, p, name, &m, self.refusal(&m))),
                Err(e) => {
                    self.export_in_parent(&job, |e, out, _, name| e.unreadable(out, name));
                    return self.stat_failed(&job, e);
                }
            },
        };
        if job.inside_itself(&m) {
            return;
        }
        let bucket = self.bucket(&job, || job.path());
        let guarded = job.guarded(&m);
        let out = self.export.map(|e| e.dir(job.out.as_ref(), job.name.to_bytes(), &m));
        let node = match &job.up {
            Some(up) => up.child(job.name, m.dev, m.ino, guarded),
            None => PathNode::root(job.name, m.dev, m.ino),
        };
        let mut batch = Batch::new(bucket.as_ref(), out, s.slot());
        self.count(&mut batch, &m, node.name.to_bytes(), || node.path());
        let fd = Arc::new(fd);
        self.list(&fd, &node, &mut batch, s);
        self.flush(&mut batch, s);
    }

    /// A directory that could not be opened: counts what its parent can see of it, then
    /// reports why it was not read.
    fn unopened<S: Sched<'w>>(&'w self, job: &DirJob, parent_fd: DirRef<'_>, open_err: OsError, s: &S) {
        let m = match job.known {
            Some(m) => m,
            None => match sys::stat_at_fields(parent_fd, &job.name, self.opts.follow_symlinks, self.counting.fields) {
                Ok(m) if self.admit_dir(job, &m) => m,
                Ok(m) => return self.export_in_parent(job, |e, out, p, name| e.refused(out, p, name, &m, self.refusal(&m))),
                Err(e) => {
                    self.export_in_parent(job, |e, out, _, name| e.unreadable(out, name));
                    return self.stat_failed(job, e);
                }
            },
        };
        let is_dir = m.kind == Kind::Dir;
        if is_dir && job.inside_itself(&m) {
            return;
        }
        // Replaced by a non-directory since it was listed: counted as what it is now, in
        // its parent's bucket.
        let bucket = if is_dir { self.bucket(job, || job.path()) } else { job.bucket.clone() };
        let mut batch = Batch::new(bucket.as_ref(), None, s.slot());
        self.count(&mut batch, &m, job.name.to_bytes(), || job.path());
        self.flush(&mut batch, s);
        match (self.export, job.up.is_none()) {
            // A root that cannot be listed is still the document's root.
            (Some(e), true) if is_dir => e.dir(None, job.name.to_bytes(), &m).set_read_error(),
            (Some(e), true) => e.file_root(&m),
            _ if is_dir => self.export_in_parent(job, |e, out, p, name| e.unopened(out, p, name, &m)),
            _ => self.export_in_parent(job, |e, out, p, name| e.entry(out, Some(p), name, &m)),
        }
        if is_dir {
            self.error(job.path(), open_err, "scandir");
        }
    }

    /// Lists a directory: subdirectories become tasks at once, entries the listing describes
    /// are counted here, and the other names are stat'ed in chunks (spawned while listing
    /// goes on; the last one runs here).
    fn list<S: Sched<'w>>(&'w self, fd: &Arc<Dir>, node: &Arc<PathNode>, batch: &mut Batch<'_>, s: &S) {
        let follow = self.opts.follow_symlinks;
        let mut paths = EntryPaths::new(self.filter, node);
        let mut chunks =
            Chunker { dir: fd, node, bucket: batch.bucket.cloned(), names: Vec::new(), pending: 0, out: batch.node.clone() };
        let listed = READER.with(|reader| {
            let mut reader = reader.borrow_mut();
            reader.for_each(fd, |name, hint| {
                if self.stopped() {
                    return false;
                }
                if paths.excluded(self.filter, name.to_bytes()) {
                    if let Some(e) = self.export {
                        e.excluded(&mut batch.entries, name.to_bytes());
                    }
                    return true;
                }
                match hint {
                    Hint::Dir => {
                        let job = DirJob {
                            parent: Some(fd.clone()),
                            up: Some(node.clone()),
                            name: name.to_owned(),
                            known: None,
                            bucket: chunks.bucket.clone(),
                            via_link: false,
                            out: chunks.out.clone(),
                        };
                        s.spawn(self, Job::Dir(job));
                    }
                    // A link to follow: stat'ed through it, like an unknown entry.
                    Hint::Known(m) if !(follow && m.kind == Kind::Symlink) => {
                        self.count_or_descend(fd, node, name, m, false, batch, s);
                    }
                    _ => {
                        if let Some(chunk) = chunks.push(name) {
                            s.spawn(self, Job::Chunk(chunk));
                        }
                    }
                }
                true
            })
        });
        if let Err(e) = listed {
            if let Some(out) = &batch.node {
                out.set_read_error();
            }
            self.error(node.path(), e, "scandir");
        }
        if !chunks.names.is_empty() {
            self.stat_names(fd, node, &chunks.names, batch, s);
        }
    }

    fn chunk<S: Sched<'w>>(&'w self, job: ChunkJob, s: &S) {
        let mut batch = Batch::new(job.bucket.as_ref(), job.out, s.slot());
        self.stat_names(&job.dir, &job.node, &job.names, &mut batch, s);
        self.flush(&mut batch, s);
    }

    fn stat_names<S: Sched<'w>>(
        &'w self,
        dir: &Arc<Dir>,
        node: &Arc<PathNode>,
        names: &[u8],
        batch: &mut Batch<'_>,
        s: &S,
    ) {
        let follow = self.opts.follow_symlinks;
        for raw in names.split_inclusive(|&b| b == 0) {
            if self.stopped() {
                return;
            }
            // Each piece ends with its NUL, by construction.
            let name = CStr::from_bytes_with_nul(raw).expect("names are NUL-terminated");
            match sys::stat_at_fields(sys::borrow(dir), name, follow, self.counting.fields) {
                // With follow, what is stat'ed here may be a link to a directory.
                Ok(m) => self.count_or_descend(dir, node, name, m, follow, batch, s),
                Err(e) => {
                    if let Some(export) = self.export {
                        export.unreadable(&mut batch.entries, name.to_bytes());
                    }
                    self.error(node.join(name.to_bytes()), e, self.stat_call())
                }
            }
        }
    }

    /// An entry whose metadata is known (stat'ed, or given by the listing): counted here, or,
    /// if it is a directory, handed to a task that walks it and counts it.
    #[allow(clippy::too_many_arguments)]
    fn count_or_descend<S: Sched<'w>>(
        &'w self,
        dir: &Arc<Dir>,
        node: &Arc<PathNode>,
        name: &CStr,
        m: Meta,
        via_link: bool,
        batch: &mut Batch<'_>,
        s: &S,
    ) {
        if !self.admit(&m, false) {
            if let (Some(e), Some(parent)) = (self.export, &batch.node) {
                e.refused(&mut batch.entries, parent, name.to_bytes(), &m, self.refusal(&m));
            }
            return;
        }
        if m.kind == Kind::Dir {
            let job = DirJob {
                parent: Some(dir.clone()),
                up: Some(node.clone()),
                name: name.to_owned(),
                known: Some(m),
                bucket: batch.bucket.cloned(),
                via_link,
                out: batch.node.clone(),
            };
            s.spawn(self, Job::Dir(job));
        } else {
            self.count(batch, &m, name.to_bytes(), || node.join(name.to_bytes()));
            if let Some(e) = self.export {
                e.entry(&mut batch.entries, batch.node.as_ref(), name.to_bytes(), &m);
            }
        }
    }
}

/// The paths the filter tests a listed name by, built in buffers reused across the listing:
/// only the forms the filter needs (none at all when it is empty).
struct EntryPaths {
    dir_relative: Vec<u8>,
    dir_full: Vec<u8>,
    relative: Vec<u8>,
    full: Vec<u8>,
}

impl EntryPaths {
    fn new(filter: &Filter, node: &PathNode) -> EntryPaths {
        EntryPaths {
            dir_relative: if filter.needs_relative() { node.relative() } else { Vec::new() },
            dir_full: if filter.needs_full() { node.path() } else { Vec::new() },
            relative: Vec::new(),
            full: Vec::new(),
        }
    }

    /// Whether the filter excludes the entry `name` of this directory.
    #[inline]
    fn excluded(&mut self, filter: &Filter, name: &[u8]) -> bool {
        if filter.is_empty() {
            return false;
        }
        if filter.needs_relative() {
            self.relative.clear();
            self.relative.extend_from_slice(&self.dir_relative);
            push_name(&mut self.relative, name);
        }
        if filter.needs_full() {
            self.full.clear();
            self.full.extend_from_slice(&self.dir_full);
            push_name(&mut self.full, name);
        }
        filter.excludes(name, &self.relative, &self.full)
    }
}

/// Gathers the names a listing cannot describe into chunks of `chunk()` names, each a stat task.
struct Chunker<'a> {
    dir: &'a Arc<Dir>,
    node: &'a Arc<PathNode>,
    bucket: Option<Arc<TreeNode>>,
    /// NUL-terminated names, back to back.
    names: Vec<u8>,
    pending: usize,
    out: Option<Arc<ExportDir>>,
}

impl Chunker<'_> {
    /// Adds `name`; gives a full chunk to spawn when this one completes it.
    #[inline]
    fn push(&mut self, name: &CStr) -> Option<ChunkJob> {
        self.names.extend_from_slice(name.to_bytes_with_nul());
        self.pending += 1;
        if self.pending < chunk() {
            return None;
        }
        self.pending = 0;
        Some(ChunkJob {
            dir: self.dir.clone(),
            node: self.node.clone(),
            bucket: self.bucket.clone(),
            names: std::mem::take(&mut self.names),
            out: self.out.clone(),
        })
    }
}
