//! Walker tests on temporary trees, checked against GNU du where du has the same notion.

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use crate::options::{JsRegex, ScanOptions};
use crate::result::{ScanFailure, ScanResult};
use crate::scan::Scan;
use crate::sys;

fn run(roots: &[&Path], opts: &ScanOptions) -> Result<ScanResult, ScanFailure> {
    let roots: Vec<CString> =
        roots.iter().map(|p| CString::new(p.as_os_str().as_bytes()).unwrap()).collect();
    Scan::new(opts).unwrap().run(&roots)
}

fn du(args: &[&str], root: &Path) -> u128 {
    let out = Command::new("du").args(args).arg(root).output().expect("GNU du");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().last().unwrap().split('\t').next().unwrap().parse().unwrap()
}

fn with_threads(t: u32) -> ScanOptions {
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
            .map(|x| (x.totals.bytes, String::from_utf8(x.path.0.clone()).unwrap()))
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
            .map(|e| (e.path.0.clone(), if pick == 0 { e.bytes } else { e.disk_bytes }))
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
    assert!(top[0].path.0.ends_with(b"/d/f49"));
}

#[test]
fn cancel_stops_the_walk() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..100 {
        fs::create_dir_all(tmp.path().join(format!("d{i}"))).unwrap();
    }
    let roots = vec![CString::new(tmp.path().as_os_str().as_bytes()).unwrap()];
    let scan = Scan::new(&with_threads(2)).unwrap();
    scan.cancel();
    assert!(matches!(scan.run(&roots), Err(ScanFailure::Aborted)));
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

/// A mount made for one test, undone when dropped. Mounting needs root (CI runs as root):
/// elsewhere `mount` fails and the test says so and checks nothing.
struct Mount(std::path::PathBuf);

impl Mount {
    fn new(args: &[&str], at: &Path) -> Option<Mount> {
        let ok = Command::new("mount").args(args).arg(at).status().map_or(false, |s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount here (needs root)");
        }
        ok.then(|| Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-R").arg(&self.0).status();
    }
}

fn file(p: &Path, len: usize) {
    fs::write(p, vec![1u8; len]).unwrap();
}

/// du's lines (`du FLAGS ROOTS`), sorted: -d output compared line for line.
fn du_sorted(flags: &[&str], roots: &[&Path]) -> Vec<(u128, String)> {
    let mut v = du_lines(flags, roots);
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

fn tree_lines(r: &ScanResult, disk: bool) -> Vec<(u128, String)> {
    let mut v: Vec<(u128, String)> = r
        .roots
        .iter()
        .flat_map(|root| root.tree.clone().unwrap_or_default())
        .map(|e| (if disk { e.disk_bytes } else { e.bytes }, String::from_utf8(e.path.0).unwrap()))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

/// Totals and -d 3 lines against du with each flag set, at 1 and 2 threads.
fn check_du_modes(roots: &[&Path], modes: &[(&str, ScanOptions)]) {
    for (flag, base) in modes {
        let flags: Vec<&str> = flag.split_whitespace().collect();
        let total = |extra: &[&str]| -> u128 {
            let out = Command::new("du").args(extra).args(&flags).arg("-c").args(roots).output().unwrap();
            assert!(out.status.success() && out.stderr.is_empty(), "du {flags:?}: {}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            text.lines().last().unwrap().split('\t').next().unwrap().parse().unwrap()
        };
        let (want_b, want_k) = (total(&["-sb"]), total(&["-s", "-B1"]));
        let mut d3 = vec!["-b", "-d", "3"];
        d3.extend_from_slice(&flags);
        let want_tree = du_sorted(&d3, roots);
        for t in [1, 2] {
            let opts = ScanOptions { threads: Some(t), depth: Some(3), ..base.clone() };
            let r = run(roots, &opts).unwrap();
            assert_eq!((r.totals.bytes, r.totals.disk_bytes), (want_b, want_k), "du {flag}, threads {t}");
            assert_eq!(r.error_count, 0, "du {flag}: {:?}", r.roots[0].errors);
            assert_eq!(tree_lines(&r, false), want_tree, "du -d 3 {flag}, threads {t}");
        }
    }
}

fn modes() -> Vec<(&'static str, ScanOptions)> {
    vec![
        ("", ScanOptions::default()),
        ("-x", ScanOptions { one_file_system: true, ..Default::default() }),
        ("-l", ScanOptions { count_links: true, ..Default::default() }),
        ("-L", ScanOptions { follow_symlinks: true, ..Default::default() }),
        ("-L -l", ScanOptions { follow_symlinks: true, count_links: true, ..Default::default() }),
    ]
}

#[test]
fn a_bind_mount_of_an_ancestor_is_not_walked_again_as_du() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t");
    fs::create_dir_all(t.join("sub/x")).unwrap();
    fs::create_dir_all(t.join("d")).unwrap();
    for i in 1..4 {
        file(&t.join(format!("d/f{i}")), i * 1000);
    }
    // t inside itself, then the directory above t inside t (the copy of t is then a plain
    // directory below the mount root), then the same with --rbind.
    let outer = tmp.path().to_str().unwrap();
    for (how, source) in [("--bind", t.to_str().unwrap()), ("--bind", outer), ("--rbind", outer)] {
        let Some(_m) = Mount::new(&[how, source], &t.join("sub/x")) else { return };
        check_du_modes(&[&t], &modes());
    }
}

#[test]
fn follow_and_count_links_counts_every_way_in_as_du_l_l() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    fs::create_dir_all(s.join("d/e")).unwrap();
    file(&s.join("d/f1"), 1000);
    file(&s.join("d/e/f2"), 2000);
    symlink("d", s.join("l1")).unwrap();
    symlink("d", s.join("l2")).unwrap();
    symlink("../..", s.join("d/e/up")).unwrap();
    symlink("..", s.join("d/loop")).unwrap();
    check_du_modes(&[&s], &modes());
    let r = run(&[&s], &ScanOptions { follow_symlinks: true, count_links: true, ..with_threads(2) }).unwrap();
    // d three times (d, l1, l2), the loops never entered.
    assert_eq!(r.totals.files, 6);
}

#[test]
fn roots_that_are_not_directories_count_once_in_the_first_root_as_du() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    fs::create_dir_all(a.join("sub")).unwrap();
    file(&a.join("f1"), 1000);
    file(&a.join("sub/g"), 500);
    symlink("f1", a.join("lnk")).unwrap();
    let fifo = CString::new(a.join("ff").as_os_str().as_bytes()).unwrap();
    rustix::fs::mkfifoat(rustix::fs::CWD, fifo.as_c_str(), rustix::fs::Mode::from(0o644)).unwrap();
    let p = |s: &str| a.join(s);
    let (f1, lnk, ff, sub, g) = (p("f1"), p("lnk"), p("ff"), p("sub"), p("sub/g"));
    let cases: Vec<Vec<&Path>> = vec![
        vec![&f1, &a],
        vec![&a, &f1],
        vec![&f1, &f1],
        vec![&lnk, &a],
        vec![&a, &lnk],
        vec![&ff, &a],
        vec![&a, &ff],
        vec![&g, &sub, &a],
        vec![&f1, &lnk, &a, &f1],
    ];
    for roots in &cases {
        for (flags, count_links) in [(&["-sb"][..], false), (&["-sbl"][..], true)] {
            let r = run(roots, &ScanOptions { count_links, ..with_threads(2) }).unwrap();
            let got: Vec<(u128, String)> = r
                .roots
                .iter()
                .filter(|x| x.totals.entries() > 0)
                .map(|x| (x.totals.bytes, String::from_utf8(x.path.0.clone()).unwrap()))
                .collect();
            assert_eq!(got, du_lines(flags, roots), "du {flags:?} {roots:?}");
        }
    }
}

#[test]
fn sums_past_2_to_the_64_are_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_m) = Mount::new(&["-t", "tmpfs", "tmpfs"], tmp.path()) else { return };
    let max = (1u64 << 63) - 1;
    let sizes = [max, max, (1 << 53) + 1];
    fs::create_dir(tmp.path().join("d")).unwrap();
    for (i, len) in sizes.iter().enumerate() {
        fs::File::create(tmp.path().join(format!("d/f{i}"))).unwrap().set_len(*len).unwrap();
    }
    let dirs = [tmp.path(), &tmp.path().join("d")].map(|d| fs::metadata(d).unwrap().len() as u128);
    let want = sizes.iter().map(|&s| s as u128).sum::<u128>() + dirs[0] + dirs[1];
    assert!(want > u64::MAX as u128);
    for t in [1, 2] {
        let r = run(&[tmp.path()], &ScanOptions { depth: Some(1), top: 1, ..with_threads(t) }).unwrap();
        assert_eq!(r.totals.bytes, want);
        let tree = r.roots[0].tree.as_ref().unwrap();
        assert_eq!(tree.iter().map(|e| e.bytes).collect::<Vec<_>>(), vec![want - dirs[0], want]);
        assert_eq!(r.roots[0].largest.as_ref().unwrap()[0].bytes, max);
    }
    // Roots of 2^63 - 1 bytes each, summed across roots too.
    let (f0, f1) = (tmp.path().join("d/f0"), tmp.path().join("d/f1"));
    assert_eq!(run(&[&f0, &f1], &with_threads(2)).unwrap().totals.bytes, 2 * max as u128);
}

#[test]
fn depth_lines_leave_out_what_du_leaves_out() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    fs::create_dir_all(m.join("mnt")).unwrap();
    fs::create_dir_all(m.join("plain/x")).unwrap();
    file(&m.join("plain/f"), 10);
    symlink("plain", m.join("again")).unwrap();
    let Some(_mnt) = Mount::new(&["-t", "tmpfs", "tmpfs"], &m.join("mnt")) else { return };
    fs::create_dir(m.join("mnt/in")).unwrap();
    file(&m.join("mnt/in/f"), 20);
    // A mount point under -x, a directory reached again under -L.
    check_du_modes(&[&m], &modes());
    // A directory counted in an earlier root, and a root that is a file.
    let (plain, f) = (m.join("plain"), m.join("plain/f"));
    check_du_modes(&[&plain, &m], &modes()[..3]);
    check_du_modes(&[&f, &m], &modes()[..3]);
    check_du_modes(&[&f], &modes());
}

#[test]
fn roots_are_shown_as_du_shows_them() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("a")).unwrap();
    file(&tmp.path().join("a/f"), 3);
    let base = tmp.path().to_str().unwrap().to_string();
    for suffix in ["/", "//", "///", "/a//", "/./"] {
        let root = std::path::PathBuf::from(format!("{base}{suffix}"));
        let r = run(&[&root], &ScanOptions { depth: Some(1), ..with_threads(2) }).unwrap();
        assert_eq!(tree_lines(&r, false), du_sorted(&["-b", "-d", "1"], &[&root]), "{root:?}");
        let shown = du_lines(&["-sb"], &[&root]).pop().unwrap().1;
        assert_eq!(String::from_utf8(r.roots[0].path.0.clone()).unwrap(), shown);
        // Children before their parent, the root last however it is written.
        assert_eq!(r.roots[0].tree.as_ref().unwrap().last().unwrap().path.0, shown.as_bytes());
    }
}
