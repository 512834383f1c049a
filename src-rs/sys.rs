//! The few system calls the walker needs, relative to an open directory.
//!
//! Everything is `*at`: an entry is reached by (directory fd, name), never by re-resolving a
//! full path. That is both the fast path (no path lookup per entry) and what lets the walk go
//! deeper than PATH_MAX.

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};

/// An error from the OS: the raw errno, so the caller can name it (EACCES, ENOENT...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsError(pub i32);

impl From<rustix::io::Errno> for OsError {
    fn from(e: rustix::io::Errno) -> Self {
        OsError(e.raw_os_error())
    }
}

impl OsError {
    pub const NOT_FOUND: OsError = OsError(rustix::io::Errno::NOENT.raw_os_error());
    pub const ACCESS: OsError = OsError(rustix::io::Errno::ACCESS.raw_os_error());
    pub const LOOP: OsError = OsError(rustix::io::Errno::LOOP.raw_os_error());

    /// strerror's text, without std's " (os error N)" suffix.
    pub fn message(self) -> String {
        let full = std::io::Error::from_raw_os_error(self.0).to_string();
        match full.rfind(" (os error") {
            Some(at) => full[..at].to_string(),
            None => full,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

impl Kind {
    fn from_file_type(t: FileType) -> Kind {
        match t {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Symlink,
            _ => Kind::Other,
        }
    }
}

/// What the walker needs to know about one entry.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    pub kind: Kind,
    pub size: u64,
    pub blocks: u64,
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
}

impl Meta {
    pub fn disk_bytes(&self) -> u64 {
        self.blocks.saturating_mul(512)
    }
}

/// The directory-entry type the kernel gave with the name (d_type), when it gave one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Dir,
    NotDir,
    Unknown,
}

impl Hint {
    fn of(t: FileType) -> Hint {
        match t {
            FileType::Directory => Hint::Dir,
            FileType::Unknown => Hint::Unknown,
            _ => Hint::NotDir,
        }
    }
}

/// `.` and `..`: listed by every directory, never walked.
fn is_dot(name: &CStr) -> bool {
    matches!(name.to_bytes(), b"." | b"..")
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub use linux::*;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub use other_unix::*;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::*;
    use rustix::fs::{statx, RawDir, Statx, StatxFlags};

    // Only the fields we use: the kernel may skip work for the rest (and must not sync
    // with a remote server to fill them: DONT_SYNC).
    const MASK: StatxFlags = StatxFlags::TYPE
        .union(StatxFlags::SIZE)
        .union(StatxFlags::BLOCKS)
        .union(StatxFlags::INO)
        .union(StatxFlags::NLINK);

    fn meta(s: &Statx) -> Meta {
        Meta {
            kind: Kind::from_file_type(FileType::from_raw_mode(s.stx_mode as u32)),
            size: s.stx_size,
            blocks: s.stx_blocks,
            dev: rustix::fs::makedev(s.stx_dev_major, s.stx_dev_minor),
            ino: s.stx_ino,
            nlink: s.stx_nlink as u64,
        }
    }

    /// Stat `name` inside the directory `dir`, following a final symlink only if asked.
    pub fn stat_at(dir: BorrowedFd<'_>, name: &CStr, follow: bool) -> Result<Meta, OsError> {
        let mut flags = AtFlags::STATX_DONT_SYNC;
        if !follow {
            flags |= AtFlags::SYMLINK_NOFOLLOW;
        }
        Ok(meta(&statx(dir, name, flags, MASK)?))
    }

    /// Stat an open file descriptor (a directory we are about to read).
    pub fn stat_fd(fd: BorrowedFd<'_>) -> Result<Meta, OsError> {
        Ok(meta(&statx(fd, c"", AtFlags::EMPTY_PATH | AtFlags::STATX_DONT_SYNC, MASK)?))
    }

    /// Reads a directory with getdents64 into a caller-owned buffer: no allocation per entry.
    pub struct DirReader {
        buf: Vec<MaybeUninit<u8>>,
    }

    impl DirReader {
        pub fn new() -> Self {
            // 32 KiB holds ~1000 short names per getdents64 call.
            DirReader { buf: vec![MaybeUninit::uninit(); 32 * 1024] }
        }

        /// Calls `f(name, hint)` for each entry but `.` and `..`; stops early if `f` says false.
        pub fn for_each(
            &mut self,
            fd: BorrowedFd<'_>,
            mut f: impl FnMut(&CStr, Hint) -> bool,
        ) -> Result<(), OsError> {
            let mut dir = RawDir::new(fd, &mut self.buf);
            while let Some(entry) = dir.next() {
                let entry = entry?;
                let name = entry.file_name();
                if is_dot(name) {
                    continue;
                }
                if !f(name, Hint::of(entry.file_type())) {
                    break;
                }
            }
            Ok(())
        }
    }
}

/// macOS and the BSDs have no statx: fstatat relative to the directory fd (the same single
/// call per entry), and readdir through rustix's `Dir` (libc's, on a dup of the fd).
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
mod other_unix {
    use super::*;
    use rustix::fs::{fstat, statat, Dir, Stat};

    fn meta(s: &Stat) -> Meta {
        Meta {
            kind: Kind::from_file_type(FileType::from_raw_mode(s.st_mode as rustix::fs::RawMode)),
            size: s.st_size as u64,
            blocks: s.st_blocks as u64,
            dev: s.st_dev as u64,
            ino: s.st_ino as u64,
            nlink: s.st_nlink as u64,
        }
    }

    pub fn stat_at(dir: BorrowedFd<'_>, name: &CStr, follow: bool) -> Result<Meta, OsError> {
        let flags = if follow { AtFlags::empty() } else { AtFlags::SYMLINK_NOFOLLOW };
        Ok(meta(&statat(dir, name, flags)?))
    }

    pub fn stat_fd(fd: BorrowedFd<'_>) -> Result<Meta, OsError> {
        Ok(meta(&fstat(fd)?))
    }

    pub struct DirReader;

    impl DirReader {
        pub fn new() -> Self {
            DirReader
        }

        pub fn for_each(
            &mut self,
            fd: BorrowedFd<'_>,
            mut f: impl FnMut(&CStr, Hint) -> bool,
        ) -> Result<(), OsError> {
            let mut dir = Dir::read_from(fd)?;
            while let Some(entry) = dir.read() {
                let entry = entry?;
                let name = entry.file_name();
                if is_dot(name) {
                    continue;
                }
                if !f(name, Hint::of(entry.file_type())) {
                    break;
                }
            }
            Ok(())
        }
    }
}

/// Open a directory relative to `dir` for reading its entries. Without `follow`, a symlink
/// in its place (even one swapped in since it was listed) is refused, never followed.
pub fn open_dir_at(dir: BorrowedFd<'_>, name: &CStr, follow: bool) -> Result<OwnedFd, OsError> {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOCTTY;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    Ok(rustix::fs::openat(dir, name, flags, Mode::empty())?)
}

/// The current working directory, as a directory fd for the `*at` calls on roots.
pub fn cwd() -> BorrowedFd<'static> {
    rustix::fs::CWD.as_fd()
}
