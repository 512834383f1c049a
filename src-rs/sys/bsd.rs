//! macOS and the BSDs have no statx: fstatat relative to the directory fd (the same single
//! call per entry), and readdir through rustix's `Dir` (libc's, on a dup of the fd).

use std::ffi::CStr;

use rustix::fs::{fstat, statat, AtFlags, FileType, Stat};

use super::unix::offer;
use super::{Dir, DirRef, Ext, Fields, Hint, Kind, Meta, OsError, Stamp};

// fstatat fills every field anyway: `fields` only says which timestamp goes in `time`.
fn meta(s: &Stat, fields: Fields) -> Meta {
    Meta {
        kind: Kind::from_file_type(FileType::from_raw_mode(s.st_mode as rustix::fs::RawMode)),
        size: s.st_size as u64,
        blocks: s.st_blocks as u64,
        dev: s.st_dev as u64,
        ino: s.st_ino as u64,
        nlink: s.st_nlink as u64,
        // No such attribute here; mounts (FreeBSD's nullfs included) show their own st_dev.
        mount_root: false,
        ext: Ext { uid: s.st_uid as u32, gid: s.st_gid as u32, mode: s.st_mode as u32, mtime: s.st_mtime as i64 },
        time: match fields.time {
            Some(Stamp::Modified) => s.st_mtime as i64,
            Some(Stamp::Accessed) => s.st_atime as i64,
            Some(Stamp::Changed) => s.st_ctime as i64,
            None => 0,
        },
    }
}

/// Stat `name` inside `dir`, following a final link only if asked.
pub fn stat_at(dir: DirRef<'_>, name: &CStr, follow: bool) -> Result<Meta, OsError> {
    stat_at_fields(dir, name, follow, Fields::NONE)
}

/// `stat_at`, filling `fields` too.
pub fn stat_at_fields(dir: DirRef<'_>, name: &CStr, follow: bool, fields: Fields) -> Result<Meta, OsError> {
    let flags = if follow { AtFlags::empty() } else { AtFlags::SYMLINK_NOFOLLOW };
    Ok(meta(&statat(dir, name, flags)?, fields))
}

/// Stat a directory through its own descriptor.
pub fn stat_dir(dir: &Dir) -> Result<Meta, OsError> {
    stat_dir_fields(dir, Fields::NONE)
}

/// `stat_dir`, filling `fields` too.
pub fn stat_dir_fields(dir: &Dir, fields: Fields) -> Result<Meta, OsError> {
    Ok(meta(&fstat(dir)?, fields))
}

/// Lists a directory with readdir (rustix's `Dir`, which owns its buffer).
pub struct DirReader;

impl DirReader {
    /// A reader (stateless here; Linux's keeps a buffer).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        DirReader
    }

    /// Calls `f` with each name and what the listing says of it, until `f` returns false.
    pub fn for_each(
        &mut self,
        dir: &Dir,
        mut f: impl FnMut(&CStr, Hint) -> bool,
    ) -> Result<(), OsError> {
        let mut entries = rustix::fs::Dir::read_from(dir)?;
        while let Some(entry) = entries.read() {
            let entry = entry?;
            if !offer(entry.file_name(), entry.file_type(), &mut f) {
                break;
            }
        }
        Ok(())
    }
}
