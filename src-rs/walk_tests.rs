//! Walker tests on temporary trees, checked against GNU du where du has the same notion.

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use crate::options::{Filter, JsRegex, ScanOptions};
use crate::sys;
use crate::walk::{scan, ScanFailure, ScanResult, ScanState};

fn run(roots: &[&Path], opts: &ScanOptions) -> Result<ScanResult, ScanFailure> {
    let roots: Vec<CString> =
        roots.iter().map(|p| CString::new(p.as_os_str().as_bytes()).unwrap()).collect();
    let filter = Filter::new(opts).unwrap();
    let threads = opts.thread_count();
    let state = ScanState::new(threads);
    scan(&roots, opts, &filter, &state)
}

fn du(args: &[&str], root: &Path) -> u128 {
    let out = Command::new("du").args(args).arg(root).output().expect("GNU du");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().last().unwrap().split('\t').next().unwrap().parse().unwrap()
}

fn with_threads(t: usize) -> ScanOptions {
    ScanOptions { threads: Some(t), ..Default::default() }
}

/// Checks bytes and disk bytes against du at 1, 2 and 4 threads.
fn check_du(root: &Path, base: ScanOptions, du_flags: &[&str]) {
    let mut sb = vec!["-sb"];
    sb.extend_from_slice(du_flags);
    let mut sk = vec!["-s", "-B1"];
    sk.extend_from_slice(du_flags);
    let (want_b, want_k) = (du(&sb, root), du(&sk, root));
    for t in [1, 2, 4] {
        let opts = ScanOptions { threads: Some(t), ..base.clone() };
        let r = run(&[root], &opts).unwrap();
        assert_eq!(r.totals.bytes, want_b, "bytes, threads {t}, du {du_flags:?}");
        assert_eq!(r.totals.disk_bytes, want_k, "disk bytes, threads {t}, du {du_flags:?}");
    }
}

fn awkward_tree(root: &Path) {
    fs::create_dir_all(root.join("a/b/c")).unwrap();
    fs::write(root.join("a/file"), vec![7u8; 5000]).unwrap();
    fs::write(root.join("a/b/c/deep"), b"x").unwrap();
    fs::hard_link(root.join("a/file"), root.join("a/b/hard")).unwrap();
    symlink("file", root.join("a/link-to-file")).unwrap();
    symlink("b", root.join("a/link-to-dir")).unwrap();
    symlink("nowhere", root.join("a/dangling")).unwrap();
    symlink("..", root.join("a/b/loop")).unwrap();
    let sparse = fs::File::create(root.join("sparse")).unwrap();
    sparse.set_len(10 << 20).unwrap();
    // Linux file systems take any bytes; APFS refuses a name that is not UTF-8 (EILSEQ).
    if cfg!(target_os = "linux") {
        fs::write(root.join(std::ffi::OsStr::from_bytes(b"bad-\xff-utf8")), b"abc").unwrap();
    }
    fs::write(root.join("new\nline"), b"nl").unwrap();
    let fifo = CString::new(root.join("fifo").as_os_str().as_bytes()).unwrap();
    rustix::fs::mkfifoat(rustix::fs::CWD, fifo.as_c_str(), rustix::fs::Mode::from(0o644))
        .unwrap();
    let _ = std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap();
    fs::create_dir(root.join("empty")).unwrap();
}

#[test]
fn awkward_tree_equals_du() {
    let tmp = tempfile::tempdir().unwrap();
    awkward_tree(tmp.path());
    check_du(tmp.path(), ScanOptions::default(), &[]);
    check_du(tmp.path(), ScanOptions { count_links: true, ..Default::default() }, &["-l"]);
    check_du(tmp.path(), ScanOptions { one_file_system: true, ..Default::default() }, &["-x"]);
}

#[test]
fn follow_symlinks_equals_du_l_and_never_loops() {
    let tmp = tempfile::tempdir().unwrap();
    awkward_tree(tmp.path());
    let r = run(&[tmp.path()], &ScanOptions { follow_symlinks: true, ..Default::default() })
        .unwrap();
    // The dangling link is the one thing du -L cannot read either.
    assert_eq!(r.error_count, 1);
    assert_eq!(r.roots[0].errors[0].errno, sys::OsError::NOT_FOUND.0);
    check_du(tmp.path(), ScanOptions { follow_symlinks: true, ..Default::default() }, &["-L"]);
}

#[test]
fn counts_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    awkward_tree(tmp.path());
    let r = run(&[tmp.path()], &with_threads(2)).unwrap();
    let t = r.totals;
    // root, a, a/b, a/b/c, empty
    assert_eq!(t.dirs, 5);
    // a/file (once: a/b/hard is the same inode), deep, sparse, bad utf8, newline
    assert_eq!(t.files, 5);
    assert_eq!(t.symlinks, 4);
    assert_eq!(t.others, 2);
    assert_eq!(r.error_count, 0);
}

#[test]
fn hard_links_across_roots_count_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();
    fs::write(a.join("f"), vec![1u8; 10_000]).unwrap();
    fs::hard_link(a.join("f"), b.join("g")).unwrap();
    let r = run(&[&a, &b], &with_threads(2)).unwrap();
    let (da, db) = (du(&["-sb"], &a), du(&["-sb"], &b));
    assert_eq!(r.roots[0].totals.bytes, da);
    // du a b counts the shared file in a only.
    assert_eq!(r.roots[1].totals.bytes, db - 10_000);
    assert_eq!(r.totals.bytes, da + db - 10_000);
}

/// du's line per root (`du -sb A B ...`): a root already counted prints no line.
fn du_lines(flags: &[&str], roots: &[&Path]) -> Vec<(u128, String)> {
    let out = Command::new("du").args(flags).args(roots).output().expect("GNU du");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (n, p) = l.split_once('\t').unwrap();
            (n.parse().unwrap(), p.to_string())
        })
        .collect()
}

#[test]
fn a_root_inside_another_counts_once_as_du() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("a/b"));
    fs::create_dir_all(&b).unwrap();
    fs::write(a.join("f"), vec![1u8; 3000]).unwrap();
    fs::write(b.join("g"), vec![2u8; 5000]).unwrap();
    let (a, b) = (a.as_path(), b.as_path());
    for (order, count_links) in [([a, b], false), ([b, a], false), ([a, a], false), ([a, b], true)] {
        let opts = ScanOptions { count_links, ..with_threads(2) };
        let r = run(&order, &opts).unwrap();
        let flags: &[&str] = if count_links { &["-sbl"] } else { &["-sb"] };
        let want = du_lines(flags, &order);
        let got: Vec<(u128, String)> = r
            .roots
            .iter()
            .filter(|x| x.totals.entries() > 0)
            .map(|x| (x.totals.bytes, String::from_utf8(x.path.clone()).unwrap()))
            .collect();
        assert_eq!(got, want, "{order:?} count_links={count_links}");
    }
}

#[test]
fn a_root_whose_name_is_excluded_is_not_counted_as_du() {
    let tmp = tempfile::tempdir().unwrap();
    let b = tmp.path().join("a/b");
    fs::create_dir_all(&b).unwrap();
    fs::write(b.join("g"), vec![2u8; 5000]).unwrap();
    let opts = ScanOptions { exclude: vec!["b".into()], ..with_threads(2) };
    let r = run(&[&b], &opts).unwrap();
    assert_eq!(r.roots[0].totals.entries(), 0);
    assert!(du_lines(&["-sb", "--exclude=b"], &[&b]).is_empty());
}

#[test]
fn deeper_than_path_max() {
    let tmp = tempfile::tempdir().unwrap();
    // 2100 levels of "d/": 4200 bytes of path, past PATH_MAX (4096). Built with *at calls,
    // since a path that long cannot be created by name either.
    let mut fd = sys::open_dir_at(sys::cwd(), &CString::new(tmp.path().as_os_str().as_bytes()).unwrap(), false).unwrap();
    for _ in 0..2100 {
        rustix::fs::mkdirat(&fd, c"d", rustix::fs::Mode::from(0o755)).unwrap();
        let f = rustix::fs::openat(&fd, c"f", rustix::fs::OFlags::CREATE | rustix::fs::OFlags::WRONLY, rustix::fs::Mode::from(0o644)).unwrap();
        rustix::io::write(&f, b"hello").unwrap();
        fd = sys::open_dir_at(fd.as_fd_ref(), c"d", false).unwrap();
    }
    drop(fd);
    for t in [1, 2] {
        let r = run(&[tmp.path()], &with_threads(t)).unwrap();
        assert_eq!(r.error_count, 0, "{:?}", r.roots[0].errors.first());
        assert_eq!(r.totals.dirs, 2101);
        assert_eq!(r.totals.files, 2100);
        assert_eq!(r.totals.bytes, du(&["-sb"], tmp.path()));
    }
}

trait AsFdRef {
    fn as_fd_ref(&self) -> std::os::fd::BorrowedFd<'_>;
}
impl AsFdRef for std::os::fd::OwnedFd {
    fn as_fd_ref(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(self)
    }
}

#[test]
fn one_huge_directory_serial_equals_parallel() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..20_000 {
        fs::write(tmp.path().join(format!("f{i}")), vec![0u8; i % 300]).unwrap();
    }
    let one = run(&[tmp.path()], &with_threads(1)).unwrap();
    let many = run(&[tmp.path()], &with_threads(4)).unwrap();
    assert_eq!(one.totals, many.totals);
    assert_eq!(one.totals.files, 20_000);
    assert_eq!(one.totals.bytes, du(&["-sb"], tmp.path()));
}

#[test]
fn root_kinds_and_missing_root() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("f"), b"12345").unwrap();
    symlink("f", tmp.path().join("l")).unwrap();
    let r = run(&[&tmp.path().join("f")], &with_threads(2)).unwrap();
    assert_eq!((r.totals.bytes, r.totals.files), (5, 1));
    let r = run(&[&tmp.path().join("l")], &with_threads(2)).unwrap();
    assert_eq!((r.totals.bytes, r.totals.symlinks), (1, 1));
    let r = run(&[&tmp.path().join("nope")], &with_threads(2)).unwrap();
    let e = r.roots[0].root_error.as_ref().unwrap();
    assert_eq!(e.errno, sys::OsError::NOT_FOUND.0);
    assert_eq!(e.message, "No such file or directory");
}

#[test]
fn exclude_and_ignore() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("x/node_modules/p")).unwrap();
    fs::write(tmp.path().join("x/node_modules/p/big"), vec![0u8; 100_000]).unwrap();
    fs::write(tmp.path().join("x/keep.txt"), b"k").unwrap();
    fs::write(tmp.path().join("x/drop.log"), b"dd").unwrap();
    let opts = ScanOptions {
        threads: Some(2),
        exclude: vec!["node_modules".into(), "x/*.log".into()],
        ..Default::default()
    };
    let r = run(&[tmp.path()], &opts).unwrap();
    let want = du(&["-sb", "--exclude=node_modules", "--exclude=x/*.log"], tmp.path());
    assert_eq!(r.totals.bytes, want);
    assert_eq!(want, du(&["-sb", "--exclude=node_modules", "--exclude=*.log"], tmp.path()));
    let opts = ScanOptions {
        threads: Some(2),
        ignore: Some(JsRegex { source: "node_modules|\\.LOG$".into(), flags: "i".into() }),
        ..Default::default()
    };
    assert_eq!(run(&[tmp.path()], &opts).unwrap().totals.bytes, want);
}

#[test]
fn depth_breakdown_equals_du_d() {
    let tmp = tempfile::tempdir().unwrap();
    awkward_tree(tmp.path());
    for (flag, pick) in [("-b", 0), ("-B1", 1)] {
        let out = Command::new("du").args([flag, "-d", "2"]).arg(tmp.path()).output().unwrap();
        let mut want: Vec<(Vec<u8>, u128)> = out
            .stdout
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| {
                let tab = l.iter().position(|&c| c == b'\t').unwrap();
                let n = std::str::from_utf8(&l[..tab]).unwrap().parse().unwrap();
                (l[tab + 1..].to_vec(), n)
            })
            .collect();
        let r = run(&[tmp.path()], &ScanOptions { depth: Some(2), threads: Some(2), ..Default::default() })
            .unwrap();
        let mut got: Vec<(Vec<u8>, u128)> = r.roots[0]
            .tree
            .as_ref()
            .unwrap()
            .iter()
            .map(|e| (e.path.clone(), if pick == 0 { e.bytes } else { e.disk_bytes }))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "du {flag} -d 2");
        assert_eq!(r.totals, run(&[tmp.path()], &with_threads(2)).unwrap().totals);
    }
}

#[test]
fn top_finds_the_largest_files() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("d")).unwrap();
    for i in 0..50u64 {
        fs::write(tmp.path().join(format!("d/f{i}")), vec![0u8; (i * 100) as usize]).unwrap();
    }
    let r = run(&[tmp.path()], &ScanOptions { top: 3, threads: Some(2), ..Default::default() })
        .unwrap();
    let top = r.roots[0].largest.as_ref().unwrap();
    let sizes: Vec<u64> = top.iter().map(|f| f.bytes).collect();
    assert_eq!(sizes, vec![4900, 4800, 4700]);
    assert!(top[0].path.ends_with(b"/d/f49"));
}

#[test]
fn cancel_stops_the_walk() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..100 {
        fs::create_dir_all(tmp.path().join(format!("d{i}"))).unwrap();
    }
    let roots = vec![CString::new(tmp.path().as_os_str().as_bytes()).unwrap()];
    let opts = with_threads(2);
    let state = ScanState::new(2);
    state.cancel();
    let filter = Filter::new(&opts).unwrap();
    assert!(matches!(scan(&roots, &opts, &filter, &state), Err(ScanFailure::Aborted)));
}

#[test]
fn open_refuses_a_symlink_unless_following() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("real")).unwrap();
    symlink("real", tmp.path().join("swapped")).unwrap();
    let dir = sys::open_dir_at(sys::cwd(), &CString::new(tmp.path().as_os_str().as_bytes()).unwrap(), false).unwrap();
    let e = sys::open_dir_at(dir.as_fd_ref(), c"swapped", false).unwrap_err();
    // O_NOFOLLOW | O_DIRECTORY on a symlink: Linux says ENOTDIR, other systems ELOOP.
    assert!(e == sys::OsError::LOOP || e.0 == rustix::io::Errno::NOTDIR.raw_os_error(), "{e:?}");
    assert!(sys::open_dir_at(dir.as_fd_ref(), c"swapped", true).is_ok());
}

#[test]
fn strict_fails_on_the_first_error() {
    let tmp = tempfile::tempdir().unwrap();
    let roots = [tmp.path().join("missing")];
    let opts = ScanOptions { strict: true, threads: Some(2), ..Default::default() };
    match run(&[&roots[0]], &opts) {
        Err(ScanFailure::Strict(e)) => assert_eq!(e.errno, sys::OsError::NOT_FOUND.0),
        other => panic!("expected a strict failure, got {other:?}"),
    }
}
