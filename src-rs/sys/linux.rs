//! Linux: statx relative to the directory fd, getdents64 into a reused buffer.

use std::ffi::CStr;
use std::mem::MaybeUninit;

use rustix::fs::{statx, AtFlags, FileType, RawDir, Statx, StatxAttributes, StatxFlags};

use super::unix::offer;
use super::{Dir, DirRef, Ext, Fields, Hint, Kind, Meta, OsError, Stamp};

// Only the fields we use: the kernel may skip work for the rest (and must not sync with a
// remote server to fill them: DONT_SYNC).
const MASK: StatxFlags = StatxFlags::TYPE
    .union(StatxFlags::SIZE)
    .union(StatxFlags::BLOCKS)
    .union(StatxFlags::INO)
    .union(StatxFlags::NLINK)
    // For ncdu's extended export; the inode holds them, so asking costs a local fs nothing.
    .union(StatxFlags::MODE)
    .union(StatxFlags::UID)
    .union(StatxFlags::GID)
    .union(StatxFlags::MTIME);

/// The mask for `fields`: the walk's own, plus atime or ctime when the groups or filters
/// read one (mtime is in the mask already).
fn mask(fields: Fields) -> StatxFlags {
    match fields.time {
        Some(Stamp::Accessed) => MASK | StatxFlags::ATIME,
        Some(Stamp::Changed) => MASK | StatxFlags::CTIME,
        Some(Stamp::Modified) | None => MASK,
    }
}

fn meta(s: &Statx, fields: Fields) -> Meta {
    Meta {
        kind: Kind::from_file_type(FileType::from_raw_mode(s.stx_mode as u32)),
        size: s.stx_size,
        blocks: s.stx_blocks,
        dev: rustix::fs::makedev(s.stx_dev_major, s.stx_dev_minor),
        ino: s.stx_ino,
        nlink: s.stx_nlink as u64,
        // Every statx fills this attribute since Linux 5.8, whatever the mask; an older
        // kernel cannot tell, and then every directory is treated as a possible mount root
        // (correct, only slower: the walker compares it with its ancestors).
        mount_root: !s.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT)
            || s.stx_attributes.contains(StatxAttributes::MOUNT_ROOT),
        ext: Ext { uid: s.stx_uid, gid: s.stx_gid, mode: u32::from(s.stx_mode), mtime: s.stx_mtime.tv_sec },
        time: match fields.time {
            Some(Stamp::Modified) => s.stx_mtime.tv_sec,
            Some(Stamp::Accessed) => s.stx_atime.tv_sec,
            Some(Stamp::Changed) => s.stx_ctime.tv_sec,
            None => 0,
        },
    }
}

/// Stat `name` inside the directory `dir`, following a final symlink only if asked.
pub fn stat_at(dir: DirRef<'_>, name: &CStr, follow: bool) -> Result<Meta, OsError> {
    stat_at_fields(dir, name, follow, Fields::NONE)
}

/// `stat_at`, filling `fields` too.
pub fn stat_at_fields(dir: DirRef<'_>, name: &CStr, follow: bool, fields: Fields) -> Result<Meta, OsError> {
    let mut flags = AtFlags::STATX_DONT_SYNC;
    if !follow {
        flags |= AtFlags::SYMLINK_NOFOLLOW;
    }
    Ok(meta(&statx(dir, name, flags, mask(fields))?, fields))
}

/// Stat a directory we just opened (what is counted is what is read).
pub fn stat_dir(dir: &Dir) -> Result<Meta, OsError> {
    stat_dir_fields(dir, Fields::NONE)
}

/// `stat_dir`, filling `fields` too.
pub fn stat_dir_fields(dir: &Dir, fields: Fields) -> Result<Meta, OsError> {
    Ok(meta(&statx(dir, c"", AtFlags::EMPTY_PATH | AtFlags::STATX_DONT_SYNC, mask(fields))?, fields))
}

/// Reads a directory with getdents64 into a caller-owned buffer: no allocation per entry.
pub struct DirReader {
    buf: Vec<MaybeUninit<u8>>,
}

impl Default for DirReader {
    fn default() -> Self {
        Self::new()
    }
}

impl DirReader {
    /// A reader with its buffer (one per thread: see walk.rs).
    pub fn new() -> Self {
        // 32 KiB holds ~1000 short names per getdents64 call.
        DirReader { buf: vec![MaybeUninit::uninit(); 32 * 1024] }
    }

    /// Calls `f(name, hint)` for each entry but `.` and `..`; stops early if `f` says false.
    pub fn for_each(
        &mut self,
        dir: &Dir,
        mut f: impl FnMut(&CStr, Hint) -> bool,
    ) -> Result<(), OsError> {
        let mut entries = RawDir::new(dir, &mut self.buf);
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                // The kernel answers ENOENT for a directory that was removed while open (a
                // deleted working directory, say). glibc's readdir, and so du, reads that as
                // the end of an empty listing, not as an error.
                Err(rustix::io::Errno::NOENT) => break,
                Err(e) => return Err(e.into()),
            };
            if !offer(entry.file_name(), entry.file_type(), &mut f) {
                break;
            }
        }
        Ok(())
    }
}
