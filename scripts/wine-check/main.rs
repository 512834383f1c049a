//! Runs the walker's Windows code on trees made here and checks what it reports against
//! what std says of the same files: src-rs/sys driven directly, then the real parallel
//! walker (src-rs/scan.rs and walk.rs) over it. Exit code 1 on any mismatch. Kept to Rust
//! 1.63 (Debian's Windows std): the crate's own modules are compiled here as they are,
//! options.rs without its `regex` feature (regress needs a newer Rust; `ignore` then
//! refuses every pattern); only the pool cache, which needs OnceLock, is stood in for.
#![allow(dead_code)]

#[path = "../../src-rs/breakdown.rs"]
mod breakdown;
#[path = "../../src-rs/exclude.rs"]
mod exclude;
#[path = "../../src-rs/export.rs"]
mod export;
#[path = "../../src-rs/fnmatch.rs"]
mod fnmatch;
#[path = "../../src-rs/fnmatch_ctype.rs"]
mod fnmatch_ctype;
#[path = "../../src-rs/groups.rs"]
mod groups;
#[path = "../../src-rs/links.rs"]
mod links;
#[path = "../../src-rs/options.rs"]
mod options;
#[path = "../../src-rs/path.rs"]
mod path;
#[path = "../../src-rs/result.rs"]
mod result;
#[path = "../../src-rs/scan.rs"]
mod scan;
#[path = "../../src-rs/select.rs"]
mod select;
#[path = "../../src-rs/sys/mod.rs"]
mod sys;
#[path = "../../src-rs/totals.rs"]
mod totals;
#[path = "../../src-rs/walk.rs"]
mod walk;

/// What scan.rs needs of src-rs/pool.rs (whose cache needs OnceLock, Rust 1.70): a new
/// pool per scan, which is all a check of a few scans needs.
mod pool {
    pub fn default_threads() -> usize {
        4
    }
    pub fn try_get(threads: usize) -> Result<std::sync::Arc<rayon::ThreadPool>, rayon::ThreadPoolBuildError> {
        Ok(std::sync::Arc::new(rayon::ThreadPoolBuilder::new().num_threads(threads).build()?))
    }
}

use scan::Scan;
use std::collections::HashSet;
use std::ffi::{CStr, CString, OsString};
use std::fs;
use std::os::windows::ffi::OsStringExt;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, PartialEq)]
struct Sum {
    bytes: u128,
    disk: u128,
    files: u64,
    dirs: u64,
    symlinks: u64,
}

/// The walker's use of sys, serially: list, count what the listing gives, open each
/// subdirectory relative to its parent's handle.
fn walk(dir: &sys::Dir, reader: &mut sys::DirReader, seen: &mut HashSet<(u64, u128)>, sum: &mut Sum) {
    let mut subdirs: Vec<CString> = Vec::new();
    reader
        .for_each(dir, |name, hint| {
            match hint {
                sys::Hint::Dir => subdirs.push(name.to_owned()),
                sys::Hint::Known(m) => match m.kind {
                    sys::Kind::Dir => panic!("a directory comes as Hint::Dir"),
                    sys::Kind::Symlink => {
                        sum.symlinks += 1;
                        sum.bytes += m.size as u128;
                    }
                    _ => {
                        assert!(m.may_be_linked(), "a listing cannot know the link count");
                        if seen.insert((m.dev, m.ino)) {
                            sum.files += 1;
                            sum.bytes += m.size as u128;
                            sum.disk += m.disk_bytes();
                        }
                    }
                },
                other => panic!("a Windows listing gives a directory or everything, got {:?}", other),
            }
            true
        })
        .expect("listing");
    for name in subdirs {
        let sub = sys::open_dir_at(sys::borrow(dir), &name, false).expect("open subdirectory");
        let opened = sys::stat_dir(&sub).unwrap();
        assert_eq!(opened.kind, sys::Kind::Dir);
        sum.dirs += 1;
        sum.bytes += opened.size as u128;
        sum.disk += opened.disk_bytes();
        walk(&sub, reader, seen, sum);
    }
}

fn scan(root: &Path) -> Sum {
    let c = CString::new(root.to_str().unwrap()).unwrap();
    let meta = sys::stat_at(sys::cwd(), &c, false).expect("stat root");
    assert_eq!(meta.kind, sys::Kind::Dir);
    let dir = sys::open_dir_at(sys::cwd(), &c, false).expect("open root");
    let mut sum = Sum { dirs: 1, bytes: meta.size as u128, disk: meta.disk_bytes(), ..Sum::default() };
    walk(&dir, &mut sys::DirReader::new(), &mut HashSet::new(), &mut sum);
    sum
}

/// What std says of the same tree, with hard links named `*.link` skipped (they are the
/// second name of a file counted elsewhere).
fn expected(root: &Path) -> Sum {
    let mut sum = Sum::default();
    let mut stack = vec![long(root)];
    while let Some(p) = stack.pop() {
        let m = fs::symlink_metadata(&p).unwrap();
        if m.file_type().is_symlink() {
            sum.symlinks += 1;
            sum.bytes += m.len() as u128;
        } else if m.is_dir() {
            sum.dirs += 1;
            sum.bytes += m.len() as u128;
            for e in fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else if p.extension().map_or(true, |x| x != "link") {
            sum.files += 1;
            sum.bytes += m.len() as u128;
        }
    }
    sum
}

/// `\\?\` lets std create and read paths past MAX_PATH.
fn long(p: &Path) -> PathBuf {
    let s = p.to_str().unwrap();
    if s.starts_with(r"\\?\") { p.to_path_buf() } else { PathBuf::from(format!(r"\\?\{}", s)) }
}

fn check(name: &str, ok: bool, detail: String, failures: &mut u32) {
    println!("{} {}{}", if ok { "ok  " } else { "FAIL" }, name, if ok { String::new() } else { format!(": {}", detail) });
    if !ok {
        *failures += 1;
    }
}

fn main() {
    let mut failures = 0;
    let base = std::env::temp_dir().join(format!("dirsize-wine-{}", std::process::id()));
    let _ = fs::remove_dir_all(long(&base));
    let root = base.join("tree");
    fs::create_dir_all(root.join("sub").join("deeper")).unwrap();
    fs::write(root.join("a.txt"), vec![b'a'; 10]).unwrap();
    fs::write(root.join("b.bin"), vec![0u8; 5000]).unwrap();
    fs::write(root.join("sub").join("c"), vec![1u8; 123]).unwrap();
    fs::write(root.join("sub").join("deeper").join("empty"), b"").unwrap();
    fs::write(root.join("é 漢字 😀.txt"), vec![2u8; 77]).unwrap();
    // A lone surrogate: a legal NTFS name that is not Unicode.
    let odd = OsString::from_wide(&[0x6F, 0xD800, 0x64, 0x64]);
    // Wine keeps names as host (UTF-8) names and cannot store one.
    let surrogates = fs::write(root.join(&odd), vec![3u8; 7]).is_ok();
    fs::hard_link(root.join("b.bin"), root.join("sub").join("b.link")).unwrap();
    fs::create_dir(root.join("empty-dir")).unwrap();
    fs::create_dir(root.join("many")).unwrap();
    for i in 0..3000 {
        fs::write(root.join("many").join(format!("f{:05}-{}", i, "x".repeat(40))), vec![4u8; i % 17]).unwrap();
    }
    let links = std::os::windows::fs::symlink_file(root.join("a.txt"), root.join("to-a")).is_ok()
        && fs::symlink_metadata(root.join("to-a")).map_or(false, |m| m.file_type().is_symlink());

    let mut got = scan(&root);
    let want = expected(&root);
    // std has no allocation size: that one is checked for plausibility only.
    let disk = std::mem::replace(&mut got.disk, 0);
    check("tree: totals equal std's (hard link once, odd names, 3000-entry dir)", got == want, format!("got {:?}, want {:?}", got, want), &mut failures);
    check("tree: disk usage is at least the bytes", disk >= got.bytes, format!("{} < {}", disk, got.bytes), &mut failures);
    println!("     lone-surrogate name {}", if surrogates { "made and counted" } else { "not supported here: skipped" });
    println!("     symlinks {}", if links { "made and counted as links" } else { "not supported by this Wine: skipped" });

    // Past MAX_PATH: 40 levels of 30 characters, only reachable relative to a handle.
    let mut deep = base.join("deep");
    fs::create_dir(&deep).unwrap();
    for i in 0..40 {
        deep = deep.join(format!("level-{:02}-abcdefghijklmnopqrstu", i));
        fs::create_dir(long(&deep)).unwrap();
    }
    fs::write(long(&deep.join("bottom")), b"bottom").unwrap();
    let got = scan(&base.join("deep"));
    check(
        "deep: a path of 1280 characters is walked",
        got.dirs == 41 && got.files == 1 && got.bytes >= 6,
        format!("{:?}", got),
        &mut failures,
    );

    // Identity: the listing and a stat of the other name agree on a hard-linked file.
    let dir = sys::open_dir_at(sys::cwd(), &CString::new(root.join("sub").to_str().unwrap()).unwrap(), false).unwrap();
    let mut listed = None;
    sys::DirReader::new()
        .for_each(&dir, |name, hint| {
            if let (b"b.link", sys::Hint::Known(m)) = (name.to_bytes(), hint) {
                listed = Some(m);
            }
            true
        })
        .unwrap();
    let stat = sys::stat_at(sys::cwd(), &CString::new(root.join("b.bin").to_str().unwrap()).unwrap(), false).unwrap();
    let listed = listed.expect("b.link listed");
    check(
        "hard link: listing and stat give one (volume, id)",
        (listed.dev, listed.ino) == (stat.dev, stat.ino) && stat.nlink == 2 && stat.size == 5000,
        format!("listed {:?}, stat {:?}", listed, stat),
        &mut failures,
    );

    // Errors carry Node's (libuv's) numbers.
    let missing = sys::stat_at(sys::cwd(), &CString::new(root.join("nope").to_str().unwrap()).unwrap(), false).unwrap_err();
    check("missing: ENOENT (-4058 in Node)", missing.errno() == 4058 && !missing.message().is_empty(), format!("{:?} {:?}", missing, missing.message()), &mut failures);
    let name: &CStr = &CString::new("a.txt").unwrap();
    let root_dir = sys::open_dir_at(sys::cwd(), &CString::new(root.to_str().unwrap()).unwrap(), false).unwrap();
    let not_dir = sys::open_dir_at(sys::borrow(&root_dir), name, false).err();
    check("a file opened as a directory: ENOTDIR", not_dir.map(|e| e.errno()) == Some(4052), format!("{:?}", not_dir), &mut failures);
    let file = sys::stat_at(sys::borrow(&root_dir), name, false).unwrap();
    check("stat relative to a handle", file.kind == sys::Kind::File && file.size == 10, format!("{:?}", file), &mut failures);

    // The real walker, serial and parallel, with the breakdown and the top list.
    for threads in [1, 4] {
        let opts = options::ScanOptions { threads: Some(threads), depth: Some(1), top: 3, ..Default::default() };
        let roots = [CString::new(root.to_str().unwrap()).unwrap(), CString::new(root.join("sub").to_str().unwrap()).unwrap()];
        let r = Scan::new(&opts).expect("options").run(&roots).expect("scan");
        let t = &r.roots[0].totals;
        let got = Sum { bytes: t.bytes, disk: 0, files: t.files, dirs: t.dirs, symlinks: t.symlinks };
        check(&format!("walker, {} thread(s): totals equal std's", threads), got == want, format!("got {:?}, want {:?}", got, want), &mut failures);
        check(
            &format!("walker, {} thread(s): a root inside the first counts nothing more", threads),
            r.roots[1].totals.entries() == 0 && r.totals.bytes == t.bytes,
            format!("{:?}", r.roots[1].totals),
            &mut failures,
        );
        let largest = &r.roots[0].largest.as_ref().unwrap()[0];
        let want_big = format!("{}\\b.bin", root.to_str().unwrap()).into_bytes();
        check(
            &format!("walker, {} thread(s): largest file, path with backslashes", threads),
            largest.path.0 == want_big || largest.path.0 == format!("{}\\sub\\b.link", root.to_str().unwrap()).into_bytes(),
            String::from_utf8_lossy(&largest.path.0).into_owned(),
            &mut failures,
        );
        let tree = r.roots[0].tree.as_ref().unwrap();
        check(
            &format!("walker, {} thread(s): breakdown ends with the root, children first", threads),
            tree.last().map(|e| e.path.0.clone()) == Some(root.to_str().unwrap().as_bytes().to_vec()) && tree.len() == 4,
            format!("{:?}", tree.iter().map(|e| String::from_utf8_lossy(&e.path.0).into_owned()).collect::<Vec<_>>()),
            &mut failures,
        );
    }
    let deep_root = CString::new(base.join("deep").to_str().unwrap()).unwrap();
    let r = Scan::new(&options::ScanOptions { threads: Some(4), ..Default::default() }).unwrap().run(&[deep_root]).unwrap();
    check("walker: the 1280-character path, in parallel", r.totals.dirs == 41 && r.totals.files == 1 && r.error_count == 0, format!("{:?}", r.totals), &mut failures);
    let missing = CString::new(root.join("nope").to_str().unwrap()).unwrap();
    let r = Scan::new(&options::ScanOptions::default()).unwrap().run(&[missing]).unwrap();
    let e = r.roots[0].root_error.as_ref().map(|e| (e.errno, e.syscall));
    check("walker: a missing root is an error of that root, errno 4058 (ENOENT)", e == Some((4058, "lstat")), format!("{:?}", e), &mut failures);
    let opts = options::ScanOptions { exclude: vec!["*.link".into(), "many".into()], threads: Some(4), ..Default::default() };
    let r = Scan::new(&opts).unwrap().run(&[CString::new(root.to_str().unwrap()).unwrap()]).unwrap();
    let t = &r.roots[0].totals;
    check("walker: exclude skips a directory and a pattern's files", t.files == want.files - 3000 && t.dirs == want.dirs - 1, format!("{:?}", t), &mut failures);

    let _ = fs::remove_dir_all(long(&base));
    println!("{} failed", failures);
    std::process::exit(if failures == 0 { 0 } else { 1 });
}
