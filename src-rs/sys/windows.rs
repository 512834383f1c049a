//! Windows: one listing call gives every entry's size, allocation size, attributes and file
//! id, so files are counted from the listing without being opened. Directories (counted
//! from the handle they are listed through, as on Linux) are opened
//! relative to their parent's handle (NtCreateFile with a root directory: the `openat` of
//! NT), which also walks past MAX_PATH. Hard links: a listing carries no link count, so every
//! file goes through the link set by (volume serial number, file id).
//!
//! The one module with unsafe code: the Win32 and NT calls have no safe wrapper.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::mem::{size_of, MaybeUninit};
use std::os::windows::io::{
    AsHandle, AsRawHandle, BorrowedHandle, FromRawHandle, OwnedHandle, RawHandle,
};
use std::ptr::{addr_of, null, null_mut};

use windows_sys::Wdk::Foundation::OBJECT_ATTRIBUTES;
use windows_sys::Wdk::Storage::FileSystem::{
    NtCreateFile, FILE_DIRECTORY_FILE, FILE_OPEN, FILE_OPEN_FOR_BACKUP_INTENT,
    FILE_OPEN_REPARSE_POINT, FILE_SYNCHRONOUS_IO_NONALERT,
};
use windows_sys::Win32::Foundation::{
    GetLastError, RtlNtStatusToDosError, ERROR_ACCESS_DENIED, ERROR_BAD_NETPATH,
    ERROR_BAD_NET_NAME, ERROR_BAD_PATHNAME, ERROR_BUSY, ERROR_CANT_ACCESS_FILE,
    ERROR_CANT_RESOLVE_FILENAME, ERROR_DIRECTORY, ERROR_FILENAME_EXCED_RANGE,
    ERROR_FILE_NOT_FOUND, ERROR_INVALID_DRIVE, ERROR_INVALID_NAME, ERROR_INVALID_PARAMETER,
    ERROR_INVALID_REPARSE_DATA, ERROR_LOCK_VIOLATION, ERROR_NOACCESS, ERROR_NOT_ENOUGH_MEMORY,
    ERROR_NOT_SUPPORTED, ERROR_NO_MORE_FILES, ERROR_OUTOFMEMORY, ERROR_PATH_NOT_FOUND,
    ERROR_PRIVILEGE_NOT_HELD, ERROR_SHARING_VIOLATION, ERROR_TOO_MANY_OPEN_FILES, HANDLE,
    INVALID_HANDLE_VALUE, UNICODE_STRING,
};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, FileAttributeTagInfo, FileIdBothDirectoryInfo, FileIdBothDirectoryRestartInfo,
    FileIdExtdDirectoryInfo, FileIdExtdDirectoryRestartInfo, FileIdInfo, FileStandardInfo,
    GetFileInformationByHandle, GetFileInformationByHandleEx, BY_HANDLE_FILE_INFORMATION,
    FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_REPARSE_POINT, FILE_ATTRIBUTE_TAG_INFO,
    FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, FILE_ID_BOTH_DIR_INFO,
    FILE_ID_EXTD_DIR_INFO, FILE_ID_INFO, FILE_INFO_BY_HANDLE_CLASS, FILE_LIST_DIRECTORY,
    FILE_READ_ATTRIBUTES, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
    FILE_STANDARD_INFO, OPEN_EXISTING, SYNCHRONIZE,
};
use windows_sys::Win32::System::IO::IO_STATUS_BLOCK;

use super::wide::{push_wtf8, to_wide};
use super::{is_dot, Ext, FileId, Fields, Hint, Kind, Meta, OsError};

/// An open directory, with what was learned about it when it was opened.
pub struct Dir {
    handle: OwnedHandle,
    meta: Meta,
}

/// Where a name is looked up: an open directory, or (for roots, given as DOS paths) the
/// process's working directory and drive letters, as CreateFileW resolves them.
#[derive(Clone, Copy)]
pub enum DirRef<'a> {
    /// The working directory (names are DOS paths, resolved by CreateFileW).
    Cwd,
    /// An open directory (names are looked up relative to it, by NtCreateFile).
    Handle(BorrowedHandle<'a>),
}

/// `dir`, borrowed as the root of a relative open.
pub fn borrow(dir: &Dir) -> DirRef<'_> {
    DirRef::Handle(dir.handle.as_handle())
}

/// The working directory, for the opens and stats of roots.
pub fn cwd() -> DirRef<'static> {
    DirRef::Cwd
}

fn raw(h: BorrowedHandle<'_>) -> HANDLE {
    h.as_raw_handle() as HANDLE
}

impl OsError {
    /// ERROR_FILE_NOT_FOUND: no such file or directory.
    pub const NOT_FOUND: OsError = OsError(ERROR_FILE_NOT_FOUND as i32);
    /// A reparse point where none may be followed.
    pub const LOOP: OsError = OsError(ERROR_CANT_RESOLVE_FILENAME as i32);

    fn last() -> OsError {
        OsError(unsafe { GetLastError() } as i32)
    }

    /// The errno as Node numbers it on Windows: libuv's own codes (UV_ENOENT is -4058 there,
    /// not -2), mapped from Win32 errors as libuv maps them, so `code` reads ENOENT, EACCES...
    pub fn errno(self) -> i32 {
        const EACCES: i32 = 4092;
        const EBUSY: i32 = 4082;
        const EINVAL: i32 = 4071;
        const ELOOP: i32 = 4067;
        const EMFILE: i32 = 4066;
        const ENAMETOOLONG: i32 = 4064;
        const ENOENT: i32 = 4058;
        const ENOMEM: i32 = 4057;
        const ENOTDIR: i32 = 4052;
        const ENOTSUP: i32 = 4049;
        const EPERM: i32 = 4048;
        const UNKNOWN: i32 = 4094;
        match self.0 as u32 {
            ERROR_ACCESS_DENIED | ERROR_NOACCESS | ERROR_CANT_ACCESS_FILE => EACCES,
            ERROR_FILE_NOT_FOUND | ERROR_PATH_NOT_FOUND | ERROR_INVALID_NAME
            | ERROR_BAD_PATHNAME | ERROR_INVALID_DRIVE | ERROR_BAD_NETPATH
            | ERROR_BAD_NET_NAME | ERROR_INVALID_REPARSE_DATA => ENOENT,
            ERROR_DIRECTORY => ENOTDIR,
            ERROR_CANT_RESOLVE_FILENAME => ELOOP,
            ERROR_FILENAME_EXCED_RANGE => ENAMETOOLONG,
            ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION | ERROR_BUSY => EBUSY,
            ERROR_NOT_ENOUGH_MEMORY | ERROR_OUTOFMEMORY => ENOMEM,
            ERROR_TOO_MANY_OPEN_FILES => EMFILE,
            ERROR_INVALID_PARAMETER => EINVAL,
            ERROR_PRIVILEGE_NOT_HELD => EPERM,
            ERROR_NOT_SUPPORTED => ENOTSUP,
            _ => UNKNOWN,
        }
    }
}

/// Symlinks and junctions (and other name surrogates) are links: counted as themselves and
/// followed only when asked. Other reparse points (deduplicated or cloud files) are files.
fn is_link(attributes: u32, reparse_tag: u32) -> bool {
    attributes & FILE_ATTRIBUTE_REPARSE_POINT != 0 && reparse_tag & 0x2000_0000 != 0
}

fn kind_of(attributes: u32, reparse_tag: u32) -> Kind {
    if is_link(attributes, reparse_tag) {
        Kind::Symlink
    } else if attributes & FILE_ATTRIBUTE_DIRECTORY != 0 {
        Kind::Dir
    } else {
        Kind::File
    }
}

fn blocks(allocation: i64) -> u64 {
    (allocation.max(0) as u64 + 511) / 512
}

fn id128(id: &[u8; 16]) -> FileId {
    u128::from_le_bytes(*id)
}

/// Reads a fixed-size information class of an open handle.
fn query<T>(h: HANDLE, class: FILE_INFO_BY_HANDLE_CLASS) -> Result<T, OsError> {
    let mut out = MaybeUninit::<T>::uninit();
    let ok = unsafe {
        GetFileInformationByHandleEx(h, class, out.as_mut_ptr().cast(), size_of::<T>() as u32)
    };
    if ok == 0 {
        return Err(OsError::last());
    }
    // SAFETY: the call succeeded and filled the whole struct.
    Ok(unsafe { out.assume_init() })
}

/// Everything the walker needs about an open file or directory.
fn stat_handle(h: HANDLE) -> Result<Meta, OsError> {
    let standard: FILE_STANDARD_INFO = query(h, FileStandardInfo)?;
    let tag: FILE_ATTRIBUTE_TAG_INFO = query(h, FileAttributeTagInfo)?;
    // FAT has no FileIdInfo: its 64-bit index and 32-bit volume serial then, which is what a
    // listing of that file system yields too.
    let (dev, ino) = match query::<FILE_ID_INFO>(h, FileIdInfo) {
        Ok(id) => (id.VolumeSerialNumber, id128(&id.FileId.Identifier)),
        Err(_) => {
            let mut info = MaybeUninit::<BY_HANDLE_FILE_INFORMATION>::uninit();
            if unsafe { GetFileInformationByHandle(h, info.as_mut_ptr()) } == 0 {
                return Err(OsError::last());
            }
            let info = unsafe { info.assume_init() };
            let index = ((info.nFileIndexHigh as u64) << 32) | info.nFileIndexLow as u64;
            (info.dwVolumeSerialNumber as u64, index as FileId)
        }
    };
    Ok(Meta {
        kind: kind_of(tag.FileAttributes, tag.ReparseTag),
        size: standard.EndOfFile.max(0) as u64,
        blocks: blocks(standard.AllocationSize),
        dev,
        ino,
        nlink: standard.NumberOfLinks as u64,
        // A volume mounted in a folder is a reparse point, walked as a link: see is_link.
        mount_root: false,
        ext: Ext::default(),
        // File times are not read here: the age groups and time filters are refused on
        // Windows (groups.rs, select.rs), so this is never read.
        time: 0,
    })
}

const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

/// Opens `name` in `dir`: a directory for listing when `list`, else anything, for its
/// attributes only (which a directory's list permission grants even on unreadable files).
fn open(dir: DirRef<'_>, name: &CStr, follow: bool, list: bool) -> Result<OwnedHandle, OsError> {
    let access = if list {
        FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE
    } else {
        FILE_READ_ATTRIBUTES | SYNCHRONIZE
    };
    let wide = to_wide(name.to_bytes());
    let handle: HANDLE = match dir {
        DirRef::Cwd => {
            let mut flags = FILE_FLAG_BACKUP_SEMANTICS;
            if !follow {
                flags |= FILE_FLAG_OPEN_REPARSE_POINT;
            }
            let h = unsafe {
                CreateFileW(wide.as_ptr(), access, SHARE_ALL, null(), OPEN_EXISTING, flags, null_mut())
            };
            if h == INVALID_HANDLE_VALUE {
                return Err(OsError::last());
            }
            h
        }
        DirRef::Handle(parent) => {
            let units = wide.len() - 1;
            if units * 2 > u16::MAX as usize {
                return Err(OsError(ERROR_FILENAME_EXCED_RANGE as i32));
            }
            let object = UNICODE_STRING {
                Length: (units * 2) as u16,
                MaximumLength: (units * 2) as u16,
                Buffer: wide.as_ptr() as *mut u16,
            };
            let attributes = OBJECT_ATTRIBUTES {
                Length: size_of::<OBJECT_ATTRIBUTES>() as u32,
                RootDirectory: raw(parent),
                ObjectName: &object,
                Attributes: 0,
                SecurityDescriptor: null(),
                SecurityQualityOfService: null(),
            };
            let mut options = FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT;
            if list {
                options |= FILE_DIRECTORY_FILE;
            }
            if !follow {
                options |= FILE_OPEN_REPARSE_POINT;
            }
            let mut h: HANDLE = null_mut();
            let mut io = MaybeUninit::<IO_STATUS_BLOCK>::zeroed();
            let status = unsafe {
                NtCreateFile(
                    &mut h,
                    access,
                    &attributes,
                    io.as_mut_ptr(),
                    null(),
                    0,
                    SHARE_ALL,
                    FILE_OPEN,
                    options,
                    null(),
                    0,
                )
            };
            if status < 0 {
                return Err(OsError(unsafe { RtlNtStatusToDosError(status) } as i32));
            }
            h
        }
    };
    // SAFETY: a handle just opened, owned by nobody else.
    Ok(unsafe { OwnedHandle::from_raw_handle(handle as RawHandle) })
}

/// Opens a directory for listing. Without `follow`, a link in its place (even one swapped
/// in since it was listed) is refused, never walked.
pub fn open_dir_at(dir: DirRef<'_>, name: &CStr, follow: bool) -> Result<Dir, OsError> {
    let handle = open(dir, name, follow, true)?;
    let meta = stat_handle(raw(handle.as_handle()))?;
    match meta.kind {
        Kind::Dir => Ok(Dir { handle, meta }),
        Kind::Symlink => Err(OsError(ERROR_CANT_RESOLVE_FILENAME as i32)),
        _ => Err(OsError(ERROR_DIRECTORY as i32)),
    }
}

/// Stat `name` inside `dir`, following a final link only if asked.
pub fn stat_at(dir: DirRef<'_>, name: &CStr, follow: bool) -> Result<Meta, OsError> {
    let handle = open(dir, name, follow, false)?;
    stat_handle(raw(handle.as_handle()))
}

/// `stat_at`: no field of `Fields` is available here (see `stat_handle`).
pub fn stat_at_fields(dir: DirRef<'_>, name: &CStr, follow: bool, _fields: Fields) -> Result<Meta, OsError> {
    stat_at(dir, name, follow)
}

/// Stat a directory through the handle it was opened with.
pub fn stat_dir(dir: &Dir) -> Result<Meta, OsError> {
    Ok(dir.meta)
}

/// `stat_dir`: no field of `Fields` is available here (see `stat_handle`).
pub fn stat_dir_fields(dir: &Dir, _fields: Fields) -> Result<Meta, OsError> {
    stat_dir(dir)
}

/// Lists a directory with GetFileInformationByHandleEx into a reused 64 KiB buffer.
pub struct DirReader {
    buf: Vec<u64>,
    name: Vec<u8>,
}

impl DirReader {
    /// A reader with its buffer (one per thread: see walk.rs).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        DirReader { buf: vec![0; 8 * 1024], name: Vec::new() }
    }

    /// Calls `f(name, hint)` for each entry but `.` and `..`; stops early if `f` says false.
    /// A directory comes as `Dir`, anything else `Known`: a link as itself (the walker stats
    /// through it when following).
    pub fn for_each(
        &mut self,
        dir: &Dir,
        mut f: impl FnMut(&CStr, Hint) -> bool,
    ) -> Result<(), OsError> {
        let h = raw(dir.handle.as_handle());
        let bytes = (self.buf.len() * 8) as u32;
        // The extended class carries 128-bit ids (ReFS, Dev Drives); FAT and older systems
        // know only the 64-bit one. The restart classes begin the listing; the first call
        // tells which one this file system speaks.
        let mut extended = true;
        let mut class = FileIdExtdDirectoryRestartInfo;
        loop {
            let ok = unsafe {
                GetFileInformationByHandleEx(h, class, self.buf.as_mut_ptr().cast(), bytes)
            };
            if ok == 0 {
                let e = OsError::last();
                if e.0 as u32 == ERROR_NO_MORE_FILES {
                    return Ok(());
                }
                if class == FileIdExtdDirectoryRestartInfo {
                    extended = false;
                    class = FileIdBothDirectoryRestartInfo;
                    continue;
                }
                return Err(e);
            }
            class = if extended { FileIdExtdDirectoryInfo } else { FileIdBothDirectoryInfo };
            let base = self.buf.as_ptr() as *const u8;
            let mut offset = 0usize;
            loop {
                // SAFETY: the call wrote a chain of records into the buffer, each 8-aligned,
                // each naming the next by offset (0 ends the chain).
                let entry = unsafe {
                    let at = base.add(offset);
                    if extended {
                        Entry::extended(at.cast())
                    } else {
                        Entry::both(at.cast())
                    }
                };
                self.name.clear();
                push_wtf8(&mut self.name, entry.name);
                if !is_dot(&self.name) {
                    self.name.push(0);
                    let name = CStr::from_bytes_with_nul(&self.name).map_err(|_| {
                        // NUL cannot be in a Windows name; a driver that says otherwise is
                        // reported, not trusted.
                        OsError(ERROR_INVALID_NAME as i32)
                    })?;
                    let kind = kind_of(entry.attributes, entry.tag);
                    // A directory is opened to be listed anyway, and its size is taken from
                    // that handle (as on Linux): NTFS does not keep a directory's sizes
                    // current in its parent's index.
                    let hint = if kind == Kind::Dir {
                        Hint::Dir
                    } else {
                        Hint::Known(Meta {
                            kind,
                            size: entry.size.max(0) as u64,
                            blocks: blocks(entry.allocation),
                            dev: dir.meta.dev,
                            ino: entry.id,
                            nlink: 0,
                            mount_root: false,
                            ext: Ext::default(),
                            time: 0,
                        })
                    };
                    if !f(name, hint) {
                        return Ok(());
                    }
                }
                if entry.next == 0 {
                    break;
                }
                offset += entry.next as usize;
            }
        }
    }
}

/// One listing record, whichever class it came in.
struct Entry<'a> {
    next: u32,
    attributes: u32,
    tag: u32,
    size: i64,
    allocation: i64,
    id: FileId,
    name: &'a [u16],
}

// Records are read through raw pointers into the whole buffer, never through a reference
// to the struct: the name runs on past the struct's declared one-element array.
impl<'a> Entry<'a> {
    unsafe fn extended(e: *const FILE_ID_EXTD_DIR_INFO) -> Entry<'a> {
        Entry {
            next: (*e).NextEntryOffset,
            attributes: (*e).FileAttributes,
            tag: (*e).ReparsePointTag,
            size: (*e).EndOfFile,
            allocation: (*e).AllocationSize,
            id: id128(&(*e).FileId.Identifier),
            name: name_of(addr_of!((*e).FileName).cast(), (*e).FileNameLength),
        }
    }

    unsafe fn both(e: *const FILE_ID_BOTH_DIR_INFO) -> Entry<'a> {
        let attributes = (*e).FileAttributes;
        Entry {
            next: (*e).NextEntryOffset,
            attributes,
            // For a reparse point this class gives the tag in EaSize.
            tag: if attributes & FILE_ATTRIBUTE_REPARSE_POINT != 0 { (*e).EaSize } else { 0 },
            size: (*e).EndOfFile,
            allocation: (*e).AllocationSize,
            id: (*e).FileId as u64 as FileId,
            name: name_of(addr_of!((*e).FileName).cast(), (*e).FileNameLength),
        }
    }
}

unsafe fn name_of<'a>(start: *const u16, bytes: u32) -> &'a [u16] {
    std::slice::from_raw_parts(start, bytes as usize / 2)
}

/// Ownership is a SID on Windows, not a number: groups by owner are refused (groups.rs).
pub fn user_name(_uid: u32) -> Option<String> {
    None
}

/// As `user_name`.
pub fn group_name(_gid: u32) -> Option<String> {
    None
}
