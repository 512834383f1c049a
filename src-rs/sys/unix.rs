//! What every Unix shares: file descriptors as directory handles, `openat`, errno.

use std::ffi::CStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{FileType, Mode, OFlags};

use super::{is_dot, Hint, Kind, OsError};

/// An open directory: its file descriptor.
pub type Dir = OwnedFd;
/// A borrowed directory descriptor (or the working directory).
pub type DirRef<'a> = BorrowedFd<'a>;

/// `dir`, borrowed for an `*at` call.
pub fn borrow(dir: &Dir) -> DirRef<'_> {
    dir.as_fd()
}

/// The current working directory, for the `*at` calls on roots.
pub fn cwd() -> DirRef<'static> {
    rustix::fs::CWD.as_fd()
}

impl From<rustix::io::Errno> for OsError {
    fn from(e: rustix::io::Errno) -> Self {
        OsError(e.raw_os_error())
    }
}

impl OsError {
    /// ENOENT: no such file or directory.
    pub const NOT_FOUND: OsError = OsError(rustix::io::Errno::NOENT.raw_os_error());
    /// ELOOP: a symlink where no symlink may be (opening a directory without following).
    pub const LOOP: OsError = OsError(rustix::io::Errno::LOOP.raw_os_error());

    /// The errno as Node numbers it (positive here; Node negates it).
    pub fn errno(self) -> i32 {
        self.0
    }
}

impl Kind {
    pub(super) fn from_file_type(t: FileType) -> Kind {
        match t {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Symlink,
            _ => Kind::Other,
        }
    }
}

impl Hint {
    pub(super) fn of(t: FileType) -> Hint {
        match t {
            FileType::Directory => Hint::Dir,
            FileType::Unknown => Hint::Unknown,
            _ => Hint::NotDir,
        }
    }
}

/// One listed entry, as both Unix readers hand it on: `.` and `..` skipped, the d_type as a
/// hint. False when `f` wants no more.
pub(super) fn offer(name: &CStr, t: FileType, f: &mut impl FnMut(&CStr, Hint) -> bool) -> bool {
    is_dot(name.to_bytes()) || f(name, Hint::of(t))
}

/// Open a directory relative to `dir` for reading its entries. Without `follow`, a symlink
/// in its place (even one swapped in since it was listed) is refused, never followed.
pub fn open_dir_at(dir: DirRef<'_>, name: &CStr, follow: bool) -> Result<Dir, OsError> {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOCTTY;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    Ok(rustix::fs::openat(dir, name, flags, Mode::empty())?)
}

/// The name of user `uid` (getpwuid_r: through NSS, so LDAP or SSSD users resolve too), or
/// None when the system knows no such user.
pub fn user_name(uid: u32) -> Option<String> {
    id_name(|buf, out: *mut *mut libc::passwd| {
        let mut pw = std::mem::MaybeUninit::<libc::passwd>::uninit();
        // SAFETY: every pointer is to a live buffer of the size given; on success `out` points
        // at `pw`, whose strings live in `buf`, read before either is dropped.
        #[allow(unsafe_code)]
        unsafe {
            let rc = libc::getpwuid_r(uid as libc::uid_t, pw.as_mut_ptr(), buf.as_mut_ptr().cast(), buf.len(), out);
            (rc, if (*out).is_null() { None } else { Some((*pw.as_ptr()).pw_name) })
        }
    })
}

/// The name of group `gid` (getgrgid_r, through NSS), or None when there is no such group.
pub fn group_name(gid: u32) -> Option<String> {
    id_name(|buf, out: *mut *mut libc::group| {
        let mut gr = std::mem::MaybeUninit::<libc::group>::uninit();
        // SAFETY: as in user_name.
        #[allow(unsafe_code)]
        unsafe {
            let rc = libc::getgrgid_r(gid as libc::gid_t, gr.as_mut_ptr(), buf.as_mut_ptr().cast(), buf.len(), out);
            (rc, if (*out).is_null() { None } else { Some((*gr.as_ptr()).gr_name) })
        }
    })
}

/// Runs a getXXid_r `call` with a buffer that grows while the answer does not fit (ERANGE),
/// and copies out the name it points at.
fn id_name<T>(call: impl Fn(&mut [u8], *mut *mut T) -> (i32, Option<*mut libc::c_char>)) -> Option<String> {
    let mut buf = vec![0u8; 1024];
    loop {
        let mut out: *mut T = std::ptr::null_mut();
        let (rc, name) = call(&mut buf, &mut out);
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            let larger = buf.len() * 4;
            buf.resize(larger, 0);
            continue;
        }
        let name = name.filter(|_| rc == 0)?;
        // SAFETY: a successful call leaves a NUL-terminated name inside `buf`, alive here.
        #[allow(unsafe_code)]
        let name = unsafe { CStr::from_ptr(name) };
        return Some(String::from_utf8_lossy(name.to_bytes()).into_owned());
    }
}
