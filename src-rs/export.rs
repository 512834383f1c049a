//! A scan saved in ncdu's JSON format (dev.yorhel.nl/ncdu/jsonfmt), as ncdu 1.18 writes it:
//! `[1,2,{header},root]`, a directory an array `[info, children...]`, a file an object.
//!
//! The walk finishes directories out of order and the format nests, so each directory is
//! an `ExportDir`: its own info, and parts appended by whichever task gets there (a batch of
//! its non-directory entries, serialised by the task that stat'ed them, or a subdirectory's
//! node). Nothing is copied into its parent: once the root's walk has ended, `write` goes
//! down the nodes (a loop, not recursion: trees thousands deep) and hands the document out
//! in chunks of `CHUNK` bytes. Memory is the document's own size, plus one node per
//! directory; each node is freed as soon as it is written.
//!
//! What goes in is what ncdu lists, not only what is counted (ARCHITECTURE.md, "Semantics"):
//! every link of a hard-linked file (with `ino`, `hlnkc`, `nlink`: ncdu counts one), entries
//! an exclude pattern skips, directories on another file system under -x, directories that
//! could not be read (`read_error`), entries whose stat failed. Under du -l every link counts,
//! so no entry is marked as a link (ncdu then counts each, as du -l does).
//!
//! Kept to Rust 1.63, with the walker: see lib.rs.

use std::ffi::{CStr, OsStr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use crate::sys::{Kind, Meta};

/// The root's name as ncdu writes it: its absolute path, symlinks resolved (ncdu changes
/// into it and asks for the working directory). A root that is a symlink the walk does not
/// follow keeps its own name, in its resolved parent. The path as given, if it cannot be
/// resolved (the scan then reports why).
pub fn root_name(root: &CStr, follow: bool) -> Vec<u8> {
    let path = Path::new(os_str(root.to_bytes()));
    let link = !follow && std::fs::symlink_metadata(path).map_or(false, |m| m.file_type().is_symlink());
    let resolved = match (link, path.parent(), path.file_name()) {
        (true, Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
            std::fs::canonicalize(parent).map(|p| p.join(name))
        }
        _ => std::fs::canonicalize(path),
    };
    match resolved {
        Ok(p) => bytes_of(p.as_os_str()),
        Err(_) => root.to_bytes().to_vec(),
    }
}

#[cfg(unix)]
fn os_str(b: &[u8]) -> &OsStr {
    std::os::unix::ffi::OsStrExt::from_bytes(b)
}

#[cfg(unix)]
fn bytes_of(s: &OsStr) -> Vec<u8> {
    std::os::unix::ffi::OsStrExt::as_bytes(s).to_vec()
}

// Windows names are WTF-8 here (sys/wide.rs); a path that is not UTF-8 keeps its name as given.
#[cfg(not(unix))]
fn os_str(b: &[u8]) -> &OsStr {
    OsStr::new(std::str::from_utf8(b).unwrap_or(""))
}

#[cfg(not(unix))]
fn bytes_of(s: &OsStr) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

/// Bytes per chunk handed to the sink: large enough that a call per chunk costs nothing,
/// small enough that a few in flight are little memory.
pub const CHUNK: usize = 256 * 1024;

/// How an entry the walker refused shows, if it shows at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// On another file system than its root's, under -x: `"excluded":"otherfs"`.
    OtherFs,
    /// Already counted through another way in (a hard link, a followed symlink, an earlier
    /// root): a file with several links is listed (ncdu counts one); anything else is not.
    Counted,
}

/// One scan's export: what to write, and the root once its walk has made it.
pub struct Export {
    extended: bool,
    count_links: bool,
    /// The root as ncdu names it: its absolute path, symlinks resolved.
    root_name: Vec<u8>,
    root: Mutex<Option<Arc<ExportDir>>>,
}

/// A directory of the document: its info object (without its closing brace, so
/// `read_error` can still be added), and its children as they arrive.
pub struct ExportDir {
    info: Vec<u8>,
    dev: u64,
    read_error: AtomicBool,
    parts: Mutex<Vec<Part>>,
}

enum Part {
    /// Entries, each written as `,\n{...}` (or `,\n[{...}]` for a directory ncdu lists
    /// without its contents).
    Entries(Vec<u8>),
    Dir(Arc<ExportDir>),
}

impl Export {
    /// An export of the root `root_name` (its absolute path), with `extended` fields (ncdu -e).
    pub fn new(root_name: Vec<u8>, extended: bool, count_links: bool) -> Export {
        Export { extended, count_links, root_name, root: Mutex::new(None) }
    }

    /// The node of a directory the walker entered: the root's (`parent` None) or a child
    /// of `parent`, attached to it at once.
    pub fn dir(&self, parent: Option<&Arc<ExportDir>>, name: &[u8], m: &Meta) -> Arc<ExportDir> {
        let mut info = Vec::with_capacity(64);
        let dev = parent.map(|p| p.dev);
        self.fields(&mut info, if dev.is_none() { &self.root_name } else { name }, m, dev);
        let node = Arc::new(ExportDir { info, dev: m.dev, read_error: AtomicBool::new(false), parts: Mutex::new(Vec::new()) });
        match parent {
            Some(p) => p.push(Part::Dir(node.clone())),
            None => *self.root.lock().unwrap_or_else(|p| p.into_inner()) = Some(node.clone()),
        }
        node
    }

    /// A root that is not a directory. ncdu's top level must be a directory, so the root is
    /// the one entry of its parent, which is listed with no size of its own: the document's
    /// totals are the root's alone.
    pub fn file_root(&self, m: &Meta) {
        let (parent, name) = match self.root_name.iter().rposition(|&b| b == b'/') {
            Some(0) => (&b"/"[..], &self.root_name[1..]),
            Some(at) => (&self.root_name[..at], &self.root_name[at + 1..]),
            None => (&b"."[..], &self.root_name[..]),
        };
        let mut info = Vec::new();
        info.extend_from_slice(b"{\"name\":");
        string(&mut info, parent);
        info.extend_from_slice(b",\"dev\":");
        number(&mut info, m.dev as i128);
        let node = Arc::new(ExportDir { info, dev: m.dev, read_error: AtomicBool::new(false), parts: Mutex::new(Vec::new()) });
        let mut out = Vec::new();
        self.entry(&mut out, Some(&node), name, m);
        node.push(Part::Entries(out));
        *self.root.lock().unwrap_or_else(|p| p.into_inner()) = Some(node);
    }

    /// A root that an exclude pattern matches: listed as ncdu lists an excluded entry.
    pub fn excluded_root(&self) {
        let mut info = Vec::new();
        info.extend_from_slice(b"{\"name\":");
        string(&mut info, &self.root_name);
        info.extend_from_slice(b",\"excluded\":\"pattern\"");
        let node = Arc::new(ExportDir { info, dev: 0, read_error: AtomicBool::new(false), parts: Mutex::new(Vec::new()) });
        *self.root.lock().unwrap_or_else(|p| p.into_inner()) = Some(node);
    }

    /// A non-directory the walker counted, into `out` (a batch of `parent`'s entries).
    pub fn entry(&self, out: &mut Vec<u8>, parent: Option<&Arc<ExportDir>>, name: &[u8], m: &Meta) {
        out.extend_from_slice(b",\n");
        self.fields(out, name, m, parent.map(|p| p.dev));
        out.push(b'}');
    }

    /// An entry the walker refused (see `Refused`), if ncdu lists it.
    pub fn refused(&self, out: &mut Vec<u8>, parent: &Arc<ExportDir>, name: &[u8], m: &Meta, why: Refused) {
        match why {
            Refused::OtherFs => {
                let dir = m.kind == Kind::Dir;
                out.extend_from_slice(if dir { b",\n[{\"name\":" } else { b",\n{\"name\":" });
                string(out, name);
                if m.dev != parent.dev {
                    out.extend_from_slice(b",\"dev\":");
                    number(out, m.dev as i128);
                }
                out.extend_from_slice(if dir { b",\"excluded\":\"otherfs\"}]" } else { b",\"excluded\":\"otherfs\"}" });
            }
            Refused::Counted if self.linked(m) => self.entry(out, Some(parent), name, m),
            Refused::Counted => {}
        }
    }

    /// An entry an exclude pattern matched (it was not stat'ed: name only, as ncdu).
    pub fn excluded(&self, out: &mut Vec<u8>, name: &[u8]) {
        out.extend_from_slice(b",\n{\"name\":");
        string(out, name);
        out.extend_from_slice(b",\"excluded\":\"pattern\"}");
    }

    /// An entry that could not be stat'ed.
    pub fn unreadable(&self, out: &mut Vec<u8>, name: &[u8]) {
        out.extend_from_slice(b",\n{\"name\":");
        string(out, name);
        out.extend_from_slice(b",\"read_error\":true}");
    }

    /// A directory that could not be opened, with what its parent's stat says of it.
    pub fn unopened(&self, out: &mut Vec<u8>, parent: &Arc<ExportDir>, name: &[u8], m: &Meta) {
        out.extend_from_slice(b",\n[");
        self.fields(out, name, m, Some(parent.dev));
        out.extend_from_slice(b",\"read_error\":true}]");
    }

    /// Whether ncdu should count `m` once however many of its links it meets.
    fn linked(&self, m: &Meta) -> bool {
        !self.count_links && m.kind != Kind::Dir && m.nlink > 1
    }

    /// `{` and every field of an entry ncdu writes, in ncdu's order, but the closing brace.
    fn fields(&self, out: &mut Vec<u8>, name: &[u8], m: &Meta, parent_dev: Option<u64>) {
        out.extend_from_slice(b"{\"name\":");
        string(out, name);
        // ncdu leaves out sizes of 0.
        if m.size > 0 {
            out.extend_from_slice(b",\"asize\":");
            number(out, m.size as i128);
        }
        if m.blocks > 0 {
            out.extend_from_slice(b",\"dsize\":");
            number(out, m.disk_bytes() as i128);
        }
        if parent_dev != Some(m.dev) {
            out.extend_from_slice(b",\"dev\":");
            number(out, m.dev as i128);
        }
        if self.extended {
            out.extend_from_slice(b",\"uid\":");
            number(out, m.ext.uid as i128);
            out.extend_from_slice(b",\"gid\":");
            number(out, m.ext.gid as i128);
            out.extend_from_slice(b",\"mode\":");
            number(out, m.ext.mode as i128);
            out.extend_from_slice(b",\"mtime\":");
            number(out, m.ext.mtime as i128);
        }
        if self.linked(m) {
            out.extend_from_slice(b",\"ino\":");
            number(out, m.ino as i128);
            out.extend_from_slice(b",\"hlnkc\":true,\"nlink\":");
            number(out, m.nlink as i128);
        }
        if m.kind != Kind::File && m.kind != Kind::Dir {
            out.extend_from_slice(b",\"notreg\":true");
        }
    }

    /// The whole document, in chunks of about `CHUNK` bytes, once the walk has ended. False
    /// when `sink` wanted no more (it returned false) or there is no root to write (it could
    /// not be read: the scan reports that).
    pub fn write(&self, timestamp: u64, mut sink: impl FnMut(Vec<u8>) -> bool) -> bool {
        let root = match self.root.lock().unwrap_or_else(|p| p.into_inner()).take() {
            Some(root) => root,
            None => return false,
        };
        let mut out = Out { buf: Vec::with_capacity(CHUNK + 4096), sink: &mut sink, open: true };
        out.put(b"[1,2,{\"progname\":\"dirsize\",\"progver\":\"");
        out.put(env!("CARGO_PKG_VERSION").as_bytes());
        out.put(b"\",\"timestamp\":");
        let mut n = Vec::new();
        number(&mut n, timestamp as i128);
        out.put(&n);
        out.put(b"},\n");
        // Each level: the parts of a directory not yet written.
        let mut stack: Vec<std::vec::IntoIter<Part>> = Vec::new();
        out.open_dir(&root);
        stack.push(root.take_parts().into_iter());
        drop(root);
        while let Some(top) = stack.last_mut() {
            if !out.open {
                return false;
            }
            match top.next() {
                Some(Part::Entries(bytes)) => out.put(&bytes),
                Some(Part::Dir(dir)) => {
                    out.put(b",\n");
                    out.open_dir(&dir);
                    let parts = dir.take_parts();
                    stack.push(parts.into_iter());
                }
                None => {
                    out.put(b"]");
                    stack.pop();
                }
            }
        }
        out.put(b"]");
        out.flush();
        out.open
    }
}

impl ExportDir {
    fn push(&self, part: Part) {
        self.parts.lock().unwrap_or_else(|p| p.into_inner()).push(part);
    }

    /// Entries a task serialised for this directory (nothing when there are none).
    pub fn add(&self, mut entries: Vec<u8>) {
        if !entries.is_empty() {
            // Kept until the walk ends: the slack a growing Vec leaves (up to half) would be
            // the document's size again in memory.
            entries.shrink_to_fit();
            self.push(Part::Entries(entries));
        }
    }

    /// The listing failed part way (or at once): ncdu's `read_error`.
    pub fn set_read_error(&self) {
        self.read_error.store(true, Relaxed);
    }

    fn take_parts(&self) -> Vec<Part> {
        std::mem::take(&mut *self.parts.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

struct Out<'s, F: FnMut(Vec<u8>) -> bool> {
    buf: Vec<u8>,
    sink: &'s mut F,
    /// False once the sink has refused a chunk.
    open: bool,
}

impl<F: FnMut(Vec<u8>) -> bool> Out<'_, F> {
    fn put(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.flush();
        }
    }

    fn open_dir(&mut self, dir: &ExportDir) {
        self.put(b"[");
        self.put(&dir.info);
        if dir.read_error.load(Relaxed) {
            self.put(b",\"read_error\":true");
        }
        self.put(b"}");
    }

    fn flush(&mut self) {
        if self.buf.is_empty() || !self.open {
            self.buf.clear();
            return;
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 4096));
        self.open = (self.sink)(chunk);
    }
}

/// A JSON string of a name's bytes, escaped as ncdu escapes it: `"` and `\`, the C escapes
/// for \b \f \n \r \t, `\u00XX` for the other control bytes and DEL, and every other byte
/// as it is, so a name that is not UTF-8 keeps its exact bytes (ncdu reads them back so).
pub fn string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    let mut from = 0;
    for (i, &b) in s.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f | 0x7f => b"",
            _ => continue,
        };
        out.extend_from_slice(&s[from..i]);
        from = i + 1;
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 15) as usize]);
        } else {
            out.extend_from_slice(esc);
        }
    }
    out.extend_from_slice(&s[from..]);
    out.push(b'"');
}

fn number(out: &mut Vec<u8>, n: i128) {
    // Integers only; no float formatting, no allocation.
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    let neg = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if neg {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::Ext;

    fn meta(kind: Kind, size: u64, blocks: u64, dev: u64, ino: u64, nlink: u64) -> Meta {
        Meta { kind, size, blocks, dev, ino: ino.into(), nlink, mount_root: false, ext: Ext::default(), time: 0 }
    }

    fn text(e: &Export) -> String {
        let mut doc = Vec::new();
        assert!(e.write(7, |c| {
            doc.extend_from_slice(&c);
            true
        }));
        String::from_utf8_lossy(&doc).into_owned()
    }

    #[test]
    fn names_are_escaped_as_ncdu_escapes_them() {
        let mut out = Vec::new();
        string(&mut out, b"a\"b\\c\nd\te\x01f\x7fg\xffh/");
        assert_eq!(out, b"\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007fg\xffh/\"".to_vec());
    }

    #[test]
    fn numbers_are_plain_integers() {
        for n in [0i128, 7, 4096, u64::MAX as i128, -5] {
            let mut out = Vec::new();
            number(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn a_tree_nests_whatever_order_its_parts_arrive_in() {
        let e = Export::new(b"/r".to_vec(), false, false);
        let root = e.dir(None, b"r", &meta(Kind::Dir, 4096, 8, 5, 1, 2));
        let sub = e.dir(Some(&root), b"sub", &meta(Kind::Dir, 4096, 8, 5, 2, 2));
        let mut a = Vec::new();
        e.entry(&mut a, Some(&sub), b"f", &meta(Kind::File, 3, 8, 5, 3, 1));
        sub.add(a);
        let mut b = Vec::new();
        e.entry(&mut b, Some(&root), b"empty", &meta(Kind::File, 0, 0, 5, 4, 1));
        e.refused(&mut b, &root, b"hl", &meta(Kind::File, 6, 8, 5, 9, 2), Refused::Counted);
        e.refused(&mut b, &root, b"once", &meta(Kind::File, 6, 8, 5, 10, 1), Refused::Counted);
        e.refused(&mut b, &root, b"mnt", &meta(Kind::Dir, 60, 0, 41, 1, 2), Refused::OtherFs);
        e.excluded(&mut b, b"ex");
        e.unreadable(&mut b, b"gone");
        root.add(b);
        sub.set_read_error();
        assert_eq!(
            text(&e),
            "[1,2,{\"progname\":\"dirsize\",\"progver\":\"".to_string()
                + env!("CARGO_PKG_VERSION")
                + "\",\"timestamp\":7},\n\
                [{\"name\":\"/r\",\"asize\":4096,\"dsize\":4096,\"dev\":5},\n\
                [{\"name\":\"sub\",\"asize\":4096,\"dsize\":4096,\"read_error\":true},\n\
                {\"name\":\"f\",\"asize\":3,\"dsize\":4096}],\n\
                {\"name\":\"empty\"},\n\
                {\"name\":\"hl\",\"asize\":6,\"dsize\":4096,\"ino\":9,\"hlnkc\":true,\"nlink\":2},\n\
                [{\"name\":\"mnt\",\"dev\":41,\"excluded\":\"otherfs\"}],\n\
                {\"name\":\"ex\",\"excluded\":\"pattern\"},\n\
                {\"name\":\"gone\",\"read_error\":true}]]"
        );
    }

    #[test]
    fn du_l_marks_no_links_and_extended_adds_owner_mode_mtime() {
        let e = Export::new(b"/r".to_vec(), true, true);
        let mut m = meta(Kind::Dir, 0, 0, 5, 1, 2);
        m.ext = Ext { uid: 1, gid: 2, mode: 0o40755, mtime: 99 };
        let root = e.dir(None, b"r", &m);
        let mut out = Vec::new();
        let mut s = meta(Kind::Symlink, 1, 0, 5, 3, 3);
        s.ext = Ext { uid: 0, gid: 0, mode: 0o120777, mtime: -1 };
        e.refused(&mut out, &root, b"l", &s, Refused::Counted);
        assert!(out.is_empty(), "under -l nothing is refused as counted, and nothing is a link");
        e.entry(&mut out, Some(&root), b"l", &s);
        root.add(out);
        assert!(text(&e).ends_with(
            "[{\"name\":\"/r\",\"dev\":5,\"uid\":1,\"gid\":2,\"mode\":16877,\"mtime\":99},\n\
            {\"name\":\"l\",\"asize\":1,\"uid\":0,\"gid\":0,\"mode\":41471,\"mtime\":-1,\"notreg\":true}]]"
        ));
    }

    #[test]
    fn a_big_document_comes_in_chunks_and_stops_when_the_sink_does() {
        let e = Export::new(b"/r".to_vec(), false, false);
        let root = e.dir(None, b"r", &meta(Kind::Dir, 0, 0, 5, 1, 2));
        let mut out = Vec::new();
        for i in 0..50_000u64 {
            e.entry(&mut out, Some(&root), format!("file-{i}").as_bytes(), &meta(Kind::File, i, 8, 5, i, 1));
        }
        root.add(out);
        let mut sizes = Vec::new();
        let whole = text(&e);
        let again = Export::new(b"/r".to_vec(), false, false);
        let root = again.dir(None, b"r", &meta(Kind::Dir, 0, 0, 5, 1, 2));
        let mut out = Vec::new();
        for i in 0..50_000u64 {
            again.entry(&mut out, Some(&root), format!("file-{i}").as_bytes(), &meta(Kind::File, i, 8, 5, i, 1));
        }
        root.add(out);
        assert!(!again.write(7, |c| {
            sizes.push(c.len());
            sizes.len() < 2
        }));
        assert_eq!(sizes.len(), 2, "no chunk after the sink said no");
        assert!(sizes[0] >= CHUNK && whole.len() > 2 * CHUNK);
    }
}
