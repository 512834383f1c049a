//! The loader against live scans of the same trees, through exports ncdu writes (skipped,
//! saying so, when ncdu is not installed).

use std::ffi::CString;
use std::process::Command;

use super::*;
use crate::scan::Scan;

fn ncdu_export(dir: &std::path::Path, out: &std::path::Path, extended: bool) -> bool {
    let mut c = Command::new("ncdu");
    c.env("HOME", "/nonexistent").arg("--ignore-config");
    if extended {
        c.arg("-e");
    }
    match c.arg("-o").arg(out).arg(dir).output() {
        Ok(o) => o.status.success(),
        Err(_) => {
            eprintln!("skipped: ncdu is not installed");
            false
        }
    }
}

fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    std::fs::create_dir_all(p.join("a/b/c")).unwrap();
    std::fs::create_dir_all(p.join("d")).unwrap();
    std::fs::write(p.join("a/f"), vec![1u8; 5000]).unwrap();
    std::fs::write(p.join("a/b/c/g"), vec![2u8; 70000]).unwrap();
    // Linked within one directory: which directory a link counts under follows the order
    // of the walk, which differs between a live (parallel) walk and an export's order.
    std::fs::hard_link(p.join("a/f"), p.join("a/link")).unwrap();
    std::os::unix::fs::symlink("a/f", p.join("sym")).unwrap();
    std::fs::write(p.join("d/\u{e9}t\u{e9}"), b"x").unwrap();
    t
}

fn options(depth: Option<u32>, top: u32) -> ScanOptions {
    ScanOptions { depth, top, threads: Some(1), ..Default::default() }
}

#[test]
fn an_ncdu_export_loads_as_the_live_scan() {
    let t = tree();
    let out = t.path().join("../").join(format!("{}.json", t.path().file_name().unwrap().to_string_lossy()));
    for extended in [false, true] {
        if !ncdu_export(t.path(), &out, extended) {
            return;
        }
        let root = t.path().to_str().unwrap().as_bytes().to_vec();
        let opts = options(Some(2), 3);
        let live = Scan::new(&opts).unwrap().run(&[CString::new(root.clone()).unwrap()]).unwrap();
        let loaded = load_files(&[out.to_str().unwrap().as_bytes().to_vec()], &opts).map_err(|e| format!("{e:?}")).unwrap();
        let (a, b) = (&live.roots[0], &loaded.roots[0]);
        assert_eq!(a.totals.bytes, b.totals.bytes);
        assert_eq!(a.totals.disk_bytes, b.totals.disk_bytes);
        assert_eq!((a.totals.files, a.totals.dirs), (b.totals.files, b.totals.dirs));
        // ncdu without -e cannot tell a symlink from a fifo: it counts as `others` then.
        assert_eq!(a.totals.symlinks + a.totals.others, b.totals.symlinks + b.totals.others);
        if extended {
            assert_eq!(a.totals, b.totals);
        }
        assert_eq!(a.tree, b.tree);
        assert_eq!(a.largest, b.largest);
        assert_eq!(a.path, b.path);
    }
    std::fs::remove_file(out).ok();
}

#[test]
fn a_truncated_export_is_refused_with_its_position() {
    let t = tree();
    let out = t.path().join("whole.json");
    let dir = t.path().join("a");
    if !ncdu_export(&dir, &out, false) {
        return;
    }
    let text = std::fs::read(&out).unwrap();
    let cut = t.path().join("cut.json");
    std::fs::write(&cut, &text[..text.len() - 10]).unwrap();
    match load_files(&[cut.to_str().unwrap().as_bytes().to_vec()], &options(None, 0)) {
        Err(LoadFailure::File(e)) => {
            assert!(e.message.contains("truncated"), "{e:?}");
            assert_eq!(e.offset as usize, text.len() - 10);
        }
        other => panic!("{other:?}"),
    }
    // Gzipped, and cut: refused too.
    let gz = t.path().join("cut.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, &text).unwrap();
    let bytes = enc.finish().unwrap();
    std::fs::write(&gz, &bytes).unwrap();
    let whole = load_files(&[gz.to_str().unwrap().as_bytes().to_vec()], &options(None, 0)).map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(whole.roots.len(), 1);
    std::fs::write(&gz, &bytes[..bytes.len() - 12]).unwrap();
    match load_files(&[gz.to_str().unwrap().as_bytes().to_vec()], &options(None, 0)) {
        Err(LoadFailure::File(e)) => assert!(e.gzip && e.offset >= 0, "{e:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hard_links_across_files_count_once() {
    let t = tree();
    std::fs::hard_link(t.path().join("a/f"), t.path().join("d/link")).unwrap();
    let (a, d) = (t.path().join("a.json"), t.path().join("d.json"));
    if !ncdu_export(&t.path().join("a"), &a, false) || !ncdu_export(&t.path().join("d"), &d, false) {
        return;
    }
    let roots = [t.path().join("a"), t.path().join("d")].map(|p| CString::new(p.to_str().unwrap()).unwrap());
    let opts = options(None, 0);
    let live = Scan::new(&opts).unwrap().run(&roots).unwrap();
    let files = [a, d].map(|p| p.to_str().unwrap().as_bytes().to_vec());
    let loaded = load_files(&files, &opts).map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(live.totals, loaded.totals);
    assert_eq!(live.roots[1].totals, loaded.roots[1].totals);
    let links = ScanOptions { count_links: true, ..options(None, 0) };
    let live = Scan::new(&links).unwrap().run(&roots).unwrap();
    assert_eq!(live.totals, load_files(&files, &links).map_err(|e| format!("{e:?}")).unwrap().totals);
}

#[test]
fn a_chain_deeper_than_any_stack_loads() {
    let n = 100_000;
    let mut s = String::from("[1,2,{},[{\"name\":\"/deep\",\"asize\":1}");
    for _ in 0..n {
        s.push_str(",[{\"name\":\"d\",\"asize\":1},{\"name\":\"f\",\"asize\":5,\"dsize\":512}");
    }
    s.push_str(&"]".repeat(n));
    s.push_str("]]");
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("deep.json");
    std::fs::write(&file, s).unwrap();
    let r = load_files(&[file.to_str().unwrap().as_bytes().to_vec()], &options(Some(1), 1)).map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(r.totals.bytes, 1 + 6 * n as u128);
    assert_eq!((r.totals.dirs, r.totals.files), (n as u64 + 1, n as u64));
    let tree = r.roots[0].tree.as_ref().unwrap();
    assert_eq!(tree.len(), 2);
    assert_eq!(tree[1].disk_bytes, 512 * n as u128);
}

#[test]
fn a_file_root_saved_by_dirsize_loads_as_the_file() {
    // dirsize -o of a file: the file as the one entry of its directory, which has no size of
    // its own (ncdu's top level must be a directory).
    let t = tree();
    let f = t.path().join("a/f");
    let doc = format!(
        "[1,2,{{\"progname\":\"dirsize\",\"progver\":\"0.1.0\"}},\n[{{\"name\":\"{}\",\"dev\":1}},\n{{\"name\":\"f\",\"asize\":5000,\"dsize\":{}}}]]",
        t.path().join("a").display(),
        std::fs::metadata(&f).map(|m| std::os::unix::fs::MetadataExt::blocks(&m) * 512).unwrap()
    );
    let file = t.path().join("file-root.json");
    std::fs::write(&file, doc).unwrap();
    let opts = options(Some(1), 1);
    let live = Scan::new(&opts).unwrap().run(&[CString::new(f.to_str().unwrap()).unwrap()]).unwrap();
    let loaded = load_files(&[file.to_str().unwrap().as_bytes().to_vec()], &opts).map_err(|e| format!("{e:?}")).unwrap();
    let (a, b) = (&live.roots[0], &loaded.roots[0]);
    assert_eq!((&a.path, a.totals, &a.tree, &a.largest), (&b.path, b.totals, &b.tree, &b.largest));
}

#[test]
fn an_extended_export_groups_and_filters_as_the_live_scan() {
    use crate::options::FileFilter;
    let t = tree();
    let out = t.path().join("../").join(format!("{}-e.json", t.path().file_name().unwrap().to_string_lossy()));
    if !ncdu_export(t.path(), &out, true) {
        return;
    }
    let root = [CString::new(t.path().to_str().unwrap()).unwrap()];
    let file = [out.to_str().unwrap().as_bytes().to_vec()];
    let group_by: Vec<String> = ["extension", "type", "owner", "group", "age"].iter().map(|s| s.to_string()).collect();
    // One "now" for both: the age buckets count back from it.
    let now = Some(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64);
    let filters = [
        None,
        Some(FileFilter { min_size: Some(2), ..Default::default() }),
        Some(FileFilter { types: vec!["l".into()], ..Default::default() }),
        Some(FileFilter { newer_than: Some(0), max_size: Some(6000), ..Default::default() }),
    ];
    for filter in filters {
        let opts = ScanOptions { group_by: group_by.clone(), filter: filter.clone(), now, ..options(Some(1), 2) };
        let live = Scan::new(&opts).unwrap().run(&root).unwrap();
        let loaded = load_files(&file, &opts).map_err(|e| format!("{e:?}")).unwrap();
        assert_eq!(live.totals, loaded.totals, "{filter:?}");
        assert_eq!(live.groups, loaded.groups, "{filter:?}");
        assert_eq!(live.roots[0].groups, loaded.roots[0].groups, "{filter:?}");
        assert_eq!(live.roots[0].largest, loaded.roots[0].largest, "{filter:?}");
        for list in loaded.groups.as_ref().unwrap() {
            assert_eq!(list.groups.iter().map(|g| g.disk_bytes).sum::<u128>(), loaded.totals.disk_bytes, "{}", list.by);
            assert_eq!(list.groups.iter().map(|g| g.files).sum::<u64>(), loaded.totals.entries(), "{}", list.by);
        }
    }
    std::fs::remove_file(out).ok();
}

#[test]
fn a_key_or_filter_the_export_cannot_answer_is_refused_naming_it() {
    use crate::options::FileFilter;
    let t = tree();
    let out = t.path().join("plain.json");
    if !ncdu_export(&t.path().join("a"), &out, false) {
        return;
    }
    let file = [out.to_str().unwrap().as_bytes().to_vec()];
    for (key, named) in [("owner", "groupBy \"owner\""), ("group", "groupBy \"group\""), ("age", "groupBy \"age\"")] {
        let opts = ScanOptions { group_by: vec!["extension".into(), key.into()], ..options(None, 0) };
        match load_files(&file, &opts) {
            Err(LoadFailure::File(e)) => assert!(e.message.starts_with(named) && e.message.contains("-e"), "{e:?}"),
            other => panic!("{key}: {other:?}"),
        }
    }
    let older = ScanOptions { filter: Some(FileFilter { older_than: Some(1), ..Default::default() }), ..options(None, 0) };
    match load_files(&file, &older) {
        Err(LoadFailure::File(e)) => assert!(e.message.starts_with("filter.olderThan"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    // What needs no extended field: the extension and the sizes.
    let opts = ScanOptions {
        group_by: vec!["extension".into()],
        filter: Some(FileFilter { min_size: Some(1), ..Default::default() }),
        ..options(None, 0)
    };
    let r = load_files(&file, &opts).map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(r.groups.unwrap()[0].groups.iter().map(|g| g.bytes).sum::<u128>(), r.totals.bytes);
    let atime = ScanOptions { group_by: vec!["age".into()], time: Some("atime".into()), ..options(None, 0) };
    match load_files(&file, &atime) {
        Err(LoadFailure::Option(e)) => assert_eq!(e.option, "time"),
        other => panic!("{other:?}"),
    }
}
