//! What a scan is asked to do, compiled once before the walk starts.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// Options as the caller gives them (plain data, no engine types).
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Worker threads; `None` means `pool::default_threads()`, 1 walks serially.
    pub threads: Option<usize>,
    pub count_links: bool,
    pub follow_symlinks: bool,
    pub one_file_system: bool,
    /// Globs relative to each root. A glob without `/` matches a name at any depth
    /// (as du --exclude and .gitignore do); with `/` it matches the path from the root.
    pub exclude: Vec<String>,
    /// An ECMAScript regular expression tested against each entry's full path.
    pub ignore: Option<JsRegex>,
    /// Per-directory breakdown down to this depth (root = 0), as `du -d`.
    pub depth: Option<u32>,
    /// Keep the N largest files.
    pub top: usize,
    /// Stop at the first error.
    pub strict: bool,
}

impl ScanOptions {
    /// The threads a scan runs on: as asked, else the pool's default; at least 1.
    pub fn thread_count(&self) -> usize {
        self.threads.unwrap_or_else(crate::pool::default_threads).max(1)
    }
}

#[derive(Debug, Clone)]
pub struct JsRegex {
    pub source: String,
    pub flags: String,
}

/// An option that cannot be compiled: the message names the option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub option: &'static str,
    pub message: String,
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

/// The exclusion rules, compiled.
pub struct Filter {
    by_name: Option<GlobSet>,
    by_path: Option<GlobSet>,
    ignore: Option<regress::Regex>,
}

impl Filter {
    pub fn new(opts: &ScanOptions) -> Result<Filter, OptionError> {
        let mut by_name = GlobSetBuilder::new();
        let mut by_path = GlobSetBuilder::new();
        let (mut names, mut paths) = (0, 0);
        for pattern in &opts.exclude {
            let anchored = pattern.contains('/');
            let trimmed = pattern.trim_start_matches("./").trim_start_matches('/');
            let glob = compile_glob(trimmed, anchored).map_err(|e| OptionError {
                option: "exclude",
                message: format!("exclude: invalid glob {pattern:?}: {e}"),
            })?;
            if anchored {
                by_path.add(glob);
                paths += 1;
            } else {
                by_name.add(glob);
                names += 1;
            }
        }
        let build = |b: GlobSetBuilder, n: usize| -> Result<Option<GlobSet>, OptionError> {
            if n == 0 {
                return Ok(None);
            }
            b.build().map(Some).map_err(|e| OptionError {
                option: "exclude",
                message: format!("exclude: {e}"),
            })
        };
        let ignore = match &opts.ignore {
            None => None,
            Some(re) => Some(compile_regex(re)?),
        };
        Ok(Filter { by_name: build(by_name, names)?, by_path: build(by_path, paths)?, ignore })
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_none() && self.by_path.is_none() && self.ignore.is_none()
    }

    /// Whether the filter needs the path relative to the root (else the name is enough).
    pub fn needs_relative(&self) -> bool {
        self.by_path.is_some()
    }

    pub fn needs_full(&self) -> bool {
        self.ignore.is_some()
    }

    /// A root, as du treats one: a name glob tests its last component, `ignore` its path;
    /// globs anchored at the root have nothing to match.
    pub fn excludes_root(&self, path: &[u8]) -> bool {
        let trimmed = match path.iter().rposition(|&b| !crate::path::is_separator(b)) {
            Some(end) => &path[..=end],
            None => return false, // "/" alone
        };
        let name = match trimmed.iter().rposition(|&b| crate::path::is_separator(b)) {
            Some(at) => &trimmed[at + 1..],
            None => trimmed,
        };
        if let Some(set) = &self.by_name {
            if set.is_match(bytes_as_path(name)) {
                return true;
            }
        }
        self.ignore.is_some() && self.excludes(b"", b"", path)
    }

    /// `name`: the entry's own name; `relative`: its path from the root (when needed);
    /// `full`: the root as given joined with `relative` (when needed).
    pub fn excludes(&self, name: &[u8], relative: &[u8], full: &[u8]) -> bool {
        if let Some(set) = &self.by_name {
            if set.is_match(bytes_as_path(name)) {
                return true;
            }
        }
        if let Some(set) = &self.by_path {
            if set.is_match(bytes_as_path(relative)) {
                return true;
            }
        }
        if let Some(re) = &self.ignore {
            // Node decodes non-UTF-8 names lossily; so does this, so the regex sees what a
            // JavaScript caller would have seen.
            let text = String::from_utf8_lossy(full);
            if re.find(&text).is_some() {
                return true;
            }
        }
        false
    }
}

fn compile_glob(pattern: &str, anchored: bool) -> Result<Glob, globset::Error> {
    // Anchored globs keep `*` inside one path component, as shells and .gitignore do;
    // `**` still crosses components.
    GlobBuilder::new(pattern).literal_separator(anchored).backslash_escape(true).build()
}

fn compile_regex(re: &JsRegex) -> Result<regress::Regex, OptionError> {
    // `g` and `y` only make RegExp.prototype.test stateful (lastIndex); a path filter wants
    // none of that, and `d` only adds match indices. The rest regress understands.
    let flags: String = re.flags.chars().filter(|c| !matches!(c, 'g' | 'y' | 'd')).collect();
    for c in flags.chars() {
        if !matches!(c, 'i' | 'm' | 's' | 'u' | 'v') {
            return Err(OptionError {
                option: "ignore",
                message: format!("ignore: unsupported RegExp flag {c:?}"),
            });
        }
    }
    regress::Regex::with_flags(&re.source, flags.as_str()).map_err(|e| OptionError {
        option: "ignore",
        message: format!("ignore: cannot compile /{}/{}: {e}", re.source, re.flags),
    })
}

#[cfg(unix)]
fn bytes_as_path(b: &[u8]) -> &std::path::Path {
    use std::os::unix::ffi::OsStrExt;
    std::path::Path::new(std::ffi::OsStr::from_bytes(b))
}

/// Windows names are WTF-8 here; a lone surrogate (the only thing that is not UTF-8) can
/// match only a wildcard, as U+FFFD.
#[cfg(not(unix))]
fn bytes_as_path(b: &[u8]) -> std::path::PathBuf {
    std::path::PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(exclude: &[&str], ignore: Option<(&str, &str)>) -> Filter {
        let opts = ScanOptions {
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.map(|(s, f)| JsRegex { source: s.into(), flags: f.into() }),
            ..Default::default()
        };
        Filter::new(&opts).unwrap()
    }

    #[test]
    fn name_globs_match_at_any_depth() {
        let f = filter(&["node_modules", "*.log"], None);
        assert!(f.excludes(b"node_modules", b"a/b/node_modules", b""));
        assert!(f.excludes(b"x.log", b"x.log", b""));
        assert!(!f.excludes(b"src", b"a/src", b""));
    }

    #[test]
    fn path_globs_are_anchored_at_the_root() {
        let f = filter(&["a/*.txt", "./b/**"], None);
        assert!(f.needs_relative());
        assert!(f.excludes(b"x.txt", b"a/x.txt", b""));
        assert!(!f.excludes(b"x.txt", b"c/a/x.txt", b""));
        assert!(!f.excludes(b"x.txt", b"a/d/x.txt", b""));
        assert!(f.excludes(b"y", b"b/c/y", b""));
    }

    #[test]
    fn ignore_is_an_ecmascript_regex() {
        let f = filter(&[], Some((r"\.JS$", "ig")));
        assert!(f.excludes(b"", b"", b"/r/a.js"));
        assert!(!f.excludes(b"", b"", b"/r/a.jsx"));
        // Lookbehind: ECMAScript has it, Rust's `regex` crate does not.
        let f = filter(&[], Some((r"(?<=/)tmp\d+", "")));
        assert!(f.excludes(b"", b"", b"/r/tmp12"));
    }

    #[test]
    fn a_root_is_excluded_by_its_last_name_as_du_does() {
        let f = filter(&["b", "*.tmp"], None);
        assert!(f.excludes_root(b"a/b"));
        assert!(f.excludes_root(b"a/b/"));
        assert!(f.excludes_root(b"x.tmp"));
        assert!(!f.excludes_root(b"b/a"));
        assert!(!f.excludes_root(b"/"));
        let f = filter(&["a/b"], None);
        assert!(!f.excludes_root(b"a/b"), "anchored globs are relative to the root");
        let f = filter(&[], Some(("^/r/skip$", "")));
        assert!(f.excludes_root(b"/r/skip"));
        assert!(!f.excludes_root(b"/r/keep"));
    }

    #[test]
    fn bad_patterns_name_their_option() {
        let opts = ScanOptions {
            ignore: Some(JsRegex { source: "(".into(), flags: "".into() }),
            ..Default::default()
        };
        assert_eq!(Filter::new(&opts).err().unwrap().option, "ignore");
        let opts = ScanOptions { exclude: vec!["a[".into()], ..Default::default() };
        assert_eq!(Filter::new(&opts).err().unwrap().option, "exclude");
        let opts = ScanOptions {
            ignore: Some(JsRegex { source: "a".into(), flags: "x".into() }),
            ..Default::default()
        };
        assert_eq!(Filter::new(&opts).err().unwrap().option, "ignore");
    }
}
