//! What a scan is asked to do, compiled once before the walk starts.

use crate::exclude::{du_path, Exclude};

/// What a scan is asked to do: the one options type. With the `node` feature it is also the
/// object JavaScript passes, exactly as src/options.ts normalizes it (every default set
/// there: `Default` here is only what a Rust caller starts from). Fields JavaScript's object
/// has beyond these (the callbacks, `bigint`) are not read.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_to_js = false))]
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Worker threads; `None` means `pool::default_threads()`, 1 walks serially.
    pub threads: Option<u32>,
    /// Count every hard link of a file (du -l).
    pub count_links: bool,
    /// Follow symbolic links (du -L).
    pub follow_symlinks: bool,
    /// Skip directories on other file systems than their root's (du -x).
    pub one_file_system: bool,
    /// Patterns as du --exclude reads them (crate::exclude): fnmatch on each entry's path
    /// and on every tail of it after a `/`.
    pub exclude: Vec<String>,
    /// An ECMAScript regular expression tested against each entry's full path.
    pub ignore: Option<JsRegex>,
    /// Per-directory breakdown down to this depth (root = 0), as `du -d`.
    pub depth: Option<u32>,
    /// Keep the N largest files (0: none).
    pub top: u32,
    /// Stop at the first error.
    pub strict: bool,
    /// How often `Scan::run_watched` reports progress, in milliseconds (at least 1).
    pub progress_interval_ms: u32,
    /// Groups to total the counted entries by (crate::groups): any of "extension", "type",
    /// "owner", "group", "age".
    pub group_by: Vec<String>,
    /// The timestamp of the age groups and the time filters: "mtime" (None too), "atime",
    /// "ctime".
    pub time: Option<String>,
    /// Which non-directories count (crate::select); with one, directories are walked and
    /// not counted.
    pub filter: Option<FileFilter>,
    /// The scan's "now", in seconds since the epoch, for the age groups (None: when the
    /// `Scan` is made). JavaScript sets it once, when the options are checked.
    pub now: Option<i64>,
}

/// The file filters (all that are set must hold): sizes in bytes of apparent size, times as
/// seconds since the epoch of the timestamp `ScanOptions::time` names.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_to_js = false))]
#[derive(Debug, Clone, Default)]
pub struct FileFilter {
    /// At least this many bytes (st_size).
    pub min_size: Option<i64>,
    /// At most this many bytes.
    pub max_size: Option<i64>,
    /// The timestamp before this second (strictly).
    pub older_than: Option<i64>,
    /// The timestamp after this second (strictly).
    pub newer_than: Option<i64>,
    /// Of these kinds: "f" (regular file), "l" (symlink), "o" (anything else); empty: any.
    pub types: Vec<String>,
}

impl ScanOptions {
    /// The threads a scan runs on: as asked, else the pool's default; at least 1.
    pub fn thread_count(&self) -> usize {
        self.threads.map_or_else(crate::pool::default_threads, |t| t as usize).max(1)
    }
}

/// An ECMAScript regular expression. A JavaScript RegExp converts as it is: napi reads its
/// `source` and `flags` properties.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_to_js = false))]
#[derive(Debug, Clone)]
pub struct JsRegex {
    /// The pattern.
    pub source: String,
    /// Its flags, as RegExp.prototype.flags spells them.
    pub flags: String,
}

/// An option that cannot be used, and which: it crosses to JavaScript as this object, which
/// src/native.ts turns into the TypeError (or RangeError, for `threads`) naming `option`.
#[cfg_attr(all(feature = "node", not(test)), napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// The option's name, as JavaScript spells it.
    pub option: &'static str,
    /// What is wrong, starting with the option's name.
    pub message: String,
    /// The value is well-formed but more than the system allows (a RangeError in
    /// JavaScript); otherwise it is one the walker cannot use at all (a TypeError).
    pub out_of_range: bool,
}

impl OptionError {
    /// `option`'s value cannot be used: `message` says why.
    pub fn invalid(option: &'static str, message: String) -> OptionError {
        OptionError { option, message, out_of_range: false }
    }
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

/// The exclusion rules, compiled.
pub struct Filter {
    exclude: Exclude,
    ignore: Option<Regex>,
}

impl Filter {
    /// Compiles the rules of `opts`, or says which option cannot be compiled.
    pub fn new(opts: &ScanOptions) -> Result<Filter, OptionError> {
        if let Some(p) = opts.exclude.iter().find(|p| p.contains('\0')) {
            return Err(OptionError::invalid("exclude", format!("exclude: {p:?} holds a NUL byte, which no pattern can")));
        }
        let ignore = match &opts.ignore {
            None => None,
            Some(re) => Some(compile_regex(re)?),
        };
        Ok(Filter { exclude: Exclude::new(&opts.exclude), ignore })
    }

    /// Whether nothing is excluded (the walker then skips every test).
    pub fn is_empty(&self) -> bool {
        self.exclude.is_empty() && self.ignore.is_none()
    }

    /// Whether `excludes` needs the path relative to the root (else the name is enough).
    pub fn needs_relative(&self) -> bool {
        self.exclude.needs_path()
    }

    /// Whether `excludes` needs the full path.
    pub fn needs_full(&self) -> bool {
        self.ignore.is_some() || self.exclude.needs_path()
    }

    /// A root, as du treats one: exclude patterns test the path fts forms for it (so
    /// `--exclude b a/b` skips it). `ignore` never tests a root (get-folder-size's drop-in
    /// does that one test itself): `ignore: /(?:)/` would otherwise exclude every scan.
    pub fn excludes_root(&self, path: &[u8]) -> bool {
        self.exclude.excludes_root(path)
    }

    /// `name`: the entry's own name; `relative`: its path from the root, and `full`: the root
    /// as given joined with `relative` (each only when asked for by `needs_*`).
    pub fn excludes(&self, name: &[u8], relative: &[u8], full: &[u8]) -> bool {
        if !self.exclude.is_empty() {
            let path = if self.exclude.needs_path() { du_path(full, relative) } else { full.into() };
            if self.exclude.excludes(name, &path) {
                return true;
            }
        }
        self.ignore.is_some() && self.excludes_full(full)
    }

    fn excludes_full(&self, full: &[u8]) -> bool {
        match &self.ignore {
            // Node decodes non-UTF-8 names lossily; so does this, so the regex sees what a
            // JavaScript caller would have seen.
            Some(re) => re.find(&String::from_utf8_lossy(full)).is_some(),
            None => false,
        }
    }
}

#[cfg(feature = "regex")]
type Regex = regress::Regex;

#[cfg(feature = "regex")]
fn compile_regex(re: &JsRegex) -> Result<Regex, OptionError> {
    // `g` and `y` only make RegExp.prototype.test stateful (lastIndex); a path filter wants
    // none of that, and `d` only adds match indices. The rest regress understands.
    let flags: String = re.flags.chars().filter(|c| !matches!(c, 'g' | 'y' | 'd')).collect();
    for c in flags.chars() {
        if !matches!(c, 'i' | 'm' | 's' | 'u' | 'v') {
            return Err(OptionError::invalid("ignore", format!("ignore: unsupported RegExp flag {c:?}")));
        }
    }
    regress::Regex::with_flags(&re.source, flags.as_str())
        .map_err(|e| OptionError::invalid("ignore", format!("ignore: cannot compile /{}/{}: {e}", re.source, re.flags)))
}

/// Without the `regex` feature (the Wine check, whose Rust is too old for regress), no
/// pattern can be compiled, and saying so is the honest answer.
#[cfg(not(feature = "regex"))]
enum Regex {}

#[cfg(not(feature = "regex"))]
impl Regex {
    fn find(&self, _: &str) -> Option<()> {
        match *self {}
    }
}

#[cfg(not(feature = "regex"))]
fn compile_regex(re: &JsRegex) -> Result<Regex, OptionError> {
    Err(OptionError::invalid(
        "ignore",
        format!("ignore: /{}/{} needs the regex feature, which this build leaves out", re.source, re.flags),
    ))
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
    fn exclude_is_du_s() {
        let f = filter(&["node_modules", "*.log", "b/c"], None);
        assert!(f.excludes(b"node_modules", b"a/node_modules", b"/r/a/node_modules"));
        assert!(f.excludes(b"x.log", b"x.log", b"/r/x.log"));
        assert!(f.excludes(b"c", b"a/b/c", b"/r/a/b/c"));
        assert!(!f.excludes(b"c", b"a/c", b"/r/a/c"));
        assert!(!f.excludes(b"src", b"a/src", b"/r/a/src"));
        // Anchored at no root: `r/a` is the a at the top of a root named r, `*/c` any c.
        let f = filter(&["r/a", "*/c"], None);
        assert!(f.excludes(b"a", b"a", b"/x/r/a"));
        assert!(!f.excludes(b"a", b"b/a", b"/x/r/b/a"));
        assert!(f.excludes(b"c", b"c", b"r/c"));
    }

    #[test]
    fn a_root_given_with_slashes_is_matched_as_du_forms_it() {
        let f = filter(&["r/a"], None);
        assert!(f.excludes(b"a", b"a", b"r//a"), "r// is r/");
        let f = filter(&["r//a"], None);
        assert!(!f.excludes(b"a", b"a", b"r//a"));
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
    fn a_root_is_excluded_by_its_path_as_du_does() {
        let f = filter(&["b", "*.tmp"], None);
        assert!(f.excludes_root(b"a/b"));
        assert!(f.excludes_root(b"x.tmp"));
        assert!(!f.excludes_root(b"b/a"));
        assert!(!f.excludes_root(b"/"));
        let f = filter(&["a/b"], None);
        assert!(f.excludes_root(b"a/b"), "the root's own path counts");
        assert!(f.excludes_root(b"/x/a/b"));
        let f = filter(&[], Some(("^/r/skip$|(?:)", "")));
        assert!(!f.excludes_root(b"/r/skip"), "ignore is for entries, never a root");
    }

    #[test]
    fn bad_patterns_name_their_option() {
        let opts = ScanOptions {
            ignore: Some(JsRegex { source: "(".into(), flags: "".into() }),
            ..Default::default()
        };
        assert_eq!(Filter::new(&opts).err().unwrap().option, "ignore");
        // Every pattern is one du takes (a `[` never closed is a literal); only NUL is not.
        let opts = ScanOptions { exclude: vec!["a[".into()], ..Default::default() };
        assert!(Filter::new(&opts).is_ok());
        let opts = ScanOptions { exclude: vec!["a\0b".into()], ..Default::default() };
        assert_eq!(Filter::new(&opts).err().unwrap().option, "exclude");
        let opts = ScanOptions {
            ignore: Some(JsRegex { source: "a".into(), flags: "x".into() }),
            ..Default::default()
        };
        assert_eq!(Filter::new(&opts).err().unwrap().option, "ignore");
    }
}
