//! The few system calls the walker needs, relative to an open directory.
//!
//! Everything is relative to a directory handle: an entry is reached by (directory, name),
//! never by re-resolving a full path. That is both the fast path (no path lookup per entry)
//! and what lets the walk go deeper than PATH_MAX. Each platform gives the same small
//! surface: `Dir` (an open directory), `DirRef` (a borrowed one, or the working directory),
//! `open_dir_at`, `stat_at`, `stat_dir` (and their `_fields` forms, which fill the owner and
//! a timestamp when asked) and a `DirReader` that lists names with a hint.
//!
//! Names are `CStr`s of the platform's bytes: raw bytes on Unix, WTF-8 on Windows (UTF-16
//! that may hold lone surrogates, as Rust's OsStr keeps it), so the walker is one code.
//!
//! Kept to Rust 1.63 (but the Unix files), with the walker: see lib.rs.

/// An error from the OS: its raw code (errno on Unix, a Win32 error code on Windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsError(pub i32);

impl OsError {
    /// The system's own text for it, without std's " (os error N)" suffix.
    pub fn message(self) -> String {
        let full = std::io::Error::from_raw_os_error(self.0).to_string();
        match full.rfind(" (os error") {
            Some(at) => full[..at].to_string(),
            None => full,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// What an entry is, as the walker counts it.
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (or, on Windows, a reparse point taken as one).
    Symlink,
    /// A socket, fifo or device.
    Other,
}

/// A file's identity within its device: an inode number on Unix; on Windows the 128-bit
/// file id (ReFS ids do not fit in 64 bits).
#[cfg(not(windows))]
pub type FileId = u64;
#[cfg(windows)]
pub type FileId = u128;

/// What the walker needs to know about one entry.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// What it is.
    pub kind: Kind,
    /// Its apparent size (st_size).
    pub size: u64,
    /// Its allocated 512-byte blocks (st_blocks).
    pub blocks: u64,
    /// Its device.
    pub dev: u64,
    /// Its identity within the device.
    pub ino: FileId,
    /// 0 when the platform did not say (a Windows listing carries no link count).
    pub nlink: u64,
    /// A directory that is the root of a mount (Linux: STATX_ATTR_MOUNT_ROOT, also set when
    /// the kernel cannot say). A bind mount keeps its device number, so this is the one sign
    /// that a walk may be entering a directory it is already inside. False where no such
    /// attribute exists: there a mount shows as a change of device.
    pub mount_root: bool,
    /// Owner, permissions and modification time: only ncdu's extended export (`-e`) writes
    /// them (zero where the platform does not give them: Windows).
    pub ext: Ext,
    /// The seconds since the epoch of the timestamp `Fields::time` names (rounded down, as
    /// `tv_sec` is), for the age groups and the time filters; 0 unless asked for (and on
    /// Windows).
    pub time: i64,
}

/// The fields ncdu's extended export adds to an entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ext {
    /// st_uid.
    pub uid: u32,
    /// st_gid.
    pub gid: u32,
    /// st_mode, the type bits included (as ncdu writes it).
    pub mode: u32,
    /// st_mtime, in whole seconds.
    pub mtime: i64,
}

/// What a stat fills beyond what every walk reads: the timestamp the age groups and the
/// time filters read, only when one of them does (atime and ctime are then added to the
/// statx mask; owner and mtime are always asked for, for the export's `ext`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fields {
    /// Which timestamp goes in `Meta::time`, if any.
    pub time: Option<Stamp>,
}

impl Fields {
    /// Only what every walk needs.
    pub const NONE: Fields = Fields { time: None };
}

/// One of a file's timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Last modification (st_mtime).
    Modified,
    /// Last access (st_atime).
    Accessed,
    /// Last status change (st_ctime).
    Changed,
}

impl Meta {
    /// In 128 bits, as every size sum: 512 * st_blocks needs more than 64 for a file past
    /// 2^55 blocks.
    pub fn disk_bytes(&self) -> u128 {
        self.blocks as u128 * 512
    }

    /// Whether another path may lead to the same file, so it must go through the link set.
    pub fn may_be_linked(&self) -> bool {
        self.nlink != 1
    }
}

/// What the listing said about an entry along with its name.
#[derive(Debug, Clone, Copy)]
pub enum Hint {
    /// A directory (Unix d_type): the walker opens it and stats it through its handle.
    Dir,
    /// Not a directory, details unknown: the walker stats it.
    NotDir,
    /// The file system did not say: the walker stats it.
    Unknown,
    /// Everything the walker needs came with the name (Windows): no stat at all.
    Known(Meta),
}

/// `.` and `..`: listed by every directory, never walked.
fn is_dot(name: &[u8]) -> bool {
    matches!(name, b"." | b"..")
}

mod wide;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use linux::*;

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
mod bsd;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub use bsd::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use self::windows::*;
