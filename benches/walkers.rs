//! Our walker against jwalk (with one metadata call per entry, as a size scan needs), on the
//! same tree, same thread count, warm cache. `cargo bench --bench walkers -- DIR [THREADS] [ROUNDS]`
//! prints the median wall time of each and the ratio.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use dirsize::{Scan, ScanOptions};

fn ours(root: &Path, threads: usize) -> (u128, u64) {
    let opts = ScanOptions { threads: Some(threads as u32), ..Default::default() };
    let roots = [CString::new(root.as_os_str().as_bytes()).unwrap()];
    let r = Scan::new(&opts).unwrap().run(&roots).unwrap();
    (r.totals.bytes, r.totals.entries())
}

/// jwalk lists in parallel; the size needs a stat per entry, which jwalk's DirEntry does by
/// full path (symlink_metadata). Hard links count once, as in ours.
fn jwalk(root: &Path, threads: usize) -> (u128, u64) {
    let mut seen = std::collections::HashSet::new();
    let (mut bytes, mut entries) = (0u128, 0u64);
    let walk = jwalk::WalkDir::new(root)
        .skip_hidden(false)
        .follow_links(false)
        .parallelism(jwalk::Parallelism::RayonNewPool(threads));
    for entry in walk {
        let Ok(entry) = entry else { continue };
        let Ok(m) = entry.metadata() else { continue };
        entries += 1;
        if !m.is_dir() && m.nlink() > 1 && !seen.insert((m.dev(), m.ino())) {
            continue;
        }
        bytes += m.len() as u128;
    }
    (bytes, entries)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let root = Path::new(args.first().map(String::as_str).unwrap_or("."));
    let threads: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or_else(dirsize::pool::default_threads);
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let (a, b) = (ours(root, threads), jwalk(root, threads)); // warm-up, and the answers
    println!("tree {} : {} entries, {} bytes (jwalk: {} entries, {} bytes)", root.display(), a.1, a.0, b.1, b.0);
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        let t = Instant::now();
        ours(root, threads);
        times[0].push(t.elapsed());
        let t = Instant::now();
        jwalk(root, threads);
        times[1].push(t.elapsed());
    }
    let (o, j) = (median(times[0].clone()), median(times[1].clone()));
    println!("threads {threads}, median of {rounds}: dirsize {:.1} ms, jwalk {:.1} ms, jwalk/dirsize {:.2}x",
        o.as_secs_f64() * 1e3, j.as_secs_f64() * 1e3, j.as_secs_f64() / o.as_secs_f64());
}
