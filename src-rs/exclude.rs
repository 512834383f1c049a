//! du's `--exclude` list: gnulib's exclude.c as du 9.1 sets it up (EXCLUDE_WILDCARDS, not
//! anchored), over the path du forms for each entry. Its twin for the TypeScript walker is
//! src/walker/exclude.ts.
//!
//! du tests a pattern against the entry's whole path (the root as given, then `/name` per
//! level) and against every tail of it that starts just after a `/`, and excludes the entry
//! if any of them matches. So `b` excludes every entry named b, `b/c` a c inside any b, `*/c`
//! any c below the root, and `ROOT/a` the a at the top of the root named ROOT.
//!
//! Two kinds of pattern, as gnulib sorts them:
//! - with a wildcard (an unquoted `*`, `?` or `[`): fnmatch (crate::fnmatch) on the path and
//!   on each tail after a `/` that is not followed by another `/`;
//! - without: the pattern with its `\` quoting removed, compared byte for byte with the path
//!   and with each tail after any `/` (a trailing lone `\` stays, and then matches a name
//!   ending in `\`, where fnmatch would match nothing).
//!
//! Kept to Rust 1.63 (no let-else), like the walker it serves.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::fnmatch::Pattern;

#[derive(Debug, Clone)]
enum Rule {
    Literal(Vec<u8>),
    Glob(Pattern),
}

impl Rule {
    fn new(pattern: &[u8]) -> Rule {
        if has_wildcards(pattern) {
            Rule::Glob(Pattern::new(pattern))
        } else {
            Rule::Literal(unescape(pattern))
        }
    }

    /// Whether du's exclude.c would say `path` matches.
    fn matches(&self, path: &[u8]) -> bool {
        match self {
            Rule::Literal(text) => {
                path == &text[..]
                    || path.iter().enumerate().any(|(i, &b)| b == b'/' && path[i + 1..] == text[..])
            }
            Rule::Glob(glob) => {
                glob.matches(path)
                    || path.iter().enumerate().any(|(i, &b)| {
                        b == b'/' && path.get(i + 1) != Some(&b'/') && glob.matches(&path[i + 1..])
                    })
            }
        }
    }
}

/// The compiled list.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    /// Every rule: a root is always tested on its whole path.
    all: Vec<Rule>,
    /// Rules only an entry's own name can match, split out so that a scan builds no path
    /// for them (see `name_only`): literal ones in a set, the others in a list.
    names: HashSet<Vec<u8>>,
    name_globs: Vec<Pattern>,
    /// The rest, tested on the whole path and its tails.
    paths: Vec<Rule>,
}

impl Exclude {
    /// `patterns` hold no 0 byte (the caller checks: C cannot pass one to du).
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Exclude {
        let mut x = Exclude::default();
        for p in patterns {
            let p = p.as_ref();
            let rule = Rule::new(p);
            match &rule {
                Rule::Literal(text) if !text.contains(&b'/') => {
                    x.names.insert(text.clone());
                }
                Rule::Glob(glob) if name_only(p) => x.name_globs.push(glob.clone()),
                _ => x.paths.push(rule.clone()),
            }
            x.all.push(rule);
        }
        x
    }

    /// Whether there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// Whether some pattern needs an entry's whole path, not just its name.
    pub fn needs_path(&self) -> bool {
        !self.paths.is_empty()
    }

    /// An entry below a root, by its name and, when `needs_path`, the path du forms for it
    /// (`du_path`).
    pub fn excludes(&self, name: &[u8], path: &[u8]) -> bool {
        self.names.contains(name)
            || self.name_globs.iter().any(|g| g.matches(name))
            || self.paths.iter().any(|r| r.matches(path))
    }

    /// A root, as given: du tests its path too (`--exclude=b a/b` skips the root a/b, and
    /// `--exclude='*'` skips every root).
    pub fn excludes_root(&self, root: &[u8]) -> bool {
        let path = du_root(root);
        self.all.iter().any(|r| r.matches(&path))
    }
}

/// gnulib's fnmatch_pattern_has_wildcards for EXCLUDE_WILDCARDS: an unquoted `*`, `?`, `[`.
fn has_wildcards(p: &[u8]) -> bool {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => i += 2,
            b'*' | b'?' | b'[' => return true,
            _ => i += 1,
        }
    }
    false
}

/// The pattern as du stores a literal one: each `\x` becomes `x`; a trailing `\` stays.
fn unescape(p: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        if p[i] == b'\\' && i + 1 < p.len() {
            i += 1;
        }
        out.push(p[i]);
        i += 1;
    }
    out
}

/// Whether a pattern with wildcards can only ever match an entry through its own name, so
/// that matching the name alone gives du's answer.
///
/// Such a pattern is an optional run of `*` followed by items that each match exactly one
/// character, never a `/`: ordinary characters but `/`, quoted ones (`\x`, x not `/`), and
/// brackets that list characters and ASCII ranges without `/` (no `!`/`^`, no `[:class:]`,
/// `[=x=]`, `[.x.]` or `\`, closed by a `]`).
///
/// Why that is enough: du excludes an entry when the pattern matches its path or a tail of
/// it after a `/`. The name is one of those tails (the last). If the pattern matches any of
/// them, its items match that tail's last characters, none a `/`, so those characters are
/// the end of the name; with no leading `*` they are the whole tail, so the tail is the name;
/// with one, the `*` can take the rest of the name as well as it took the rest of the tail.
/// And the name decodes to the same characters alone as at the end of a longer tail (a `/`
/// always starts a fresh character), so the by-character and by-byte ways agree too.
fn name_only(p: &[u8]) -> bool {
    let mut i = p.iter().take_while(|&&b| b == b'*').count();
    while i < p.len() {
        match p[i] {
            b'/' | b'*' | b'?' => return false,
            b'\\' => match p.get(i + 1) {
                None | Some(b'/') => return false,
                Some(_) => i += 2,
            },
            b'[' => match simple_bracket(&p[i + 1..]) {
                Some(len) => i += 1 + len,
                None => return false,
            },
            _ => i += 1,
        }
    }
    true
}

/// The length (`]` included) of a bracket body that lists characters and ASCII ranges and
/// can never match `/`; `None` for anything else.
fn simple_bracket(body: &[u8]) -> Option<usize> {
    let mut i = 0;
    if matches!(body.first(), Some(b'!') | Some(b'^')) {
        return None;
    }
    loop {
        let b = *body.get(i)?;
        match b {
            // A leading `]` is a member; any other closes.
            b']' if i > 0 => return Some(i + 1),
            b'/' | b'[' | b'\\' => return None,
            b'-' if i > 0 && body.get(i + 1) != Some(&b']') => return None,
            _ => {}
        }
        let ranged = body.get(i + 1) == Some(&b'-') && !matches!(body.get(i + 2), None | Some(b']'));
        if !ranged {
            i += 1;
            continue;
        }
        let high = body[i + 2];
        // Ranges of ASCII ends read alike by character and by byte.
        if !b.is_ascii() || !high.is_ascii() || matches!(high, b'/' | b'[' | b'\\') {
            return None;
        }
        if b <= b'/' && b'/' <= high {
            return None;
        }
        i += 3;
    }
}

/// The path du forms for a root: fts trims two or more trailing slashes to one (`a//` is
/// `a/`, `///` is `/`, but `//` stays). On Windows the path is read with `/` separators.
pub fn du_root(root: &[u8]) -> Vec<u8> {
    let mut path = slashes(root);
    if path.len() > 2 && path.last() == Some(&b'/') {
        while path.len() > 1 && path[path.len() - 2] == b'/' {
            path.pop();
        }
    }
    path
}

/// The path du forms for an entry below a root: `full` is the root as given joined with
/// `relative` (crate::path::push_name: one separator, none added after a root ending in
/// one), and du reads the root as `du_root` gives it.
pub fn du_path<'a>(full: &'a [u8], relative: &[u8]) -> Cow<'a, [u8]> {
    let root_end = full.len() - relative.len();
    // Mostly the walker's path is du's already: a root ending in one slash or none.
    if cfg!(not(windows)) && (root_end < 2 || full[root_end - 2] != b'/') {
        return Cow::Borrowed(full);
    }
    // `full[..root_end]` ends with its separator; `du_root` keeps exactly one of them.
    let mut path = du_root(&full[..root_end]);
    path.extend_from_slice(&slashes(relative));
    Cow::Owned(path)
}

#[cfg(not(windows))]
fn slashes(p: &[u8]) -> Vec<u8> {
    p.to_vec()
}

#[cfg(windows)]
fn slashes(p: &[u8]) -> Vec<u8> {
    p.iter().map(|&b| if b == b'\\' { b'/' } else { b }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(patterns: &[&str]) -> Exclude {
        Exclude::new(patterns)
    }

    /// An entry at `path` below a root, as the walker asks.
    fn entry(e: &Exclude, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap();
        e.excludes(name.as_bytes(), path.as_bytes())
    }

    #[test]
    fn tails_after_each_slash() {
        assert!(entry(&x(&["b/c"]), "r/a/b/c"));
        assert!(!entry(&x(&["b/c"]), "r/a/xb/c"));
        assert!(entry(&x(&["*/c"]), "r/c"), "the root's name is part of the path");
        assert!(entry(&x(&["r/a"]), "r/a"));
        assert!(!entry(&x(&["r/a"]), "r/b/a"));
        assert!(entry(&x(&["r/*"]), "r/b/a"), "* crosses /");
        assert!(entry(&x(&["b/*"]), "r/b/a/z"));
        assert!(!entry(&x(&["*/*/*"]), "r/a"));
        assert!(entry(&x(&["*/*/*"]), "r/a/b"));
        assert!(!entry(&x(&["{a,b}"]), "r/a"), "no braces");
        assert!(entry(&x(&["{a,b}"]), "r/{a,b}"));
        assert!(entry(&x(&["[[:alpha:]]"]), "r/q"));
    }

    #[test]
    fn literal_patterns_compare_unquoted_bytes() {
        assert!(entry(&x(&["a\\*b"]), "r/a*b"));
        assert!(!entry(&x(&["a\\*b"]), "r/axb"));
        assert!(entry(&x(&["a\\"]), "r/a\\"), "a literal keeps its trailing backslash");
        assert!(!entry(&x(&["*\\"]), "r/a\\"), "fnmatch does not");
        // After any slash, even one followed by another: only a literal sees "/c" here.
        assert!(x(&["/c"]).excludes(b"c", b"r//c"));
        assert!(!x(&["[/]c"]).excludes(b"c", b"r//c"));
    }

    #[test]
    fn roots_use_their_path_as_fts_forms_it() {
        assert!(x(&["b"]).excludes_root(b"a/b"));
        // a/b// is a/b/, whose tails are b/ and the empty one after the last slash: no b.
        assert!(!x(&["b"]).excludes_root(b"a/b//"));
        assert!(x(&["b/"]).excludes_root(b"a/b//"));
        assert!(!x(&["b"]).excludes_root(b"b/a"));
        assert!(x(&["a/b"]).excludes_root(b"a/b"));
        assert!(x(&["*"]).excludes_root(b"/"));
        assert!(x(&[""]).excludes_root(b"r/"), "the empty tail after the trailing slash");
        assert!(!x(&[""]).excludes_root(b"r"));
        assert!(!x(&["[!r]"]).excludes_root(b"r/"));
        assert_eq!(du_root(b"r//"), b"r/");
        assert_eq!(du_root(b"///"), b"/");
        assert_eq!(du_root(b"//"), b"//");
        assert_eq!(du_root(b"/"), b"/");
    }

    #[test]
    fn entry_paths_as_du_forms_them() {
        if cfg!(windows) {
            return;
        }
        let du = |full: &[u8], rel: &[u8]| du_path(full, rel).into_owned();
        assert_eq!(du(b"r//a/b", b"a/b"), b"r/a/b");
        assert_eq!(du(b"r/a/b", b"a/b"), b"r/a/b");
        assert_eq!(du(b"//a", b"a"), b"//a");
        assert_eq!(du(b"///a", b"a"), b"/a");
        assert_eq!(du(b"/a", b"a"), b"/a");
        assert_eq!(du(b"x//y/a", b"a"), b"x//y/a", "only trailing slashes are trimmed");
    }

    #[test]
    fn which_patterns_need_the_path() {
        for p in ["node_modules", "*.log", "**.log", "*~", "[Tt]humbs.db", "*.[oa]", "[]x]", "x[a-z]",
            "a\\*", "*é", "[-a]", "[a-]", "*[0-9]", "a\\", ""]
        {
            assert!(!x(&[p]).needs_path(), "{p}");
        }
        for p in ["b/c", "*/c", "a*", "a*b", "?", "*?", "[!a]", "[^a]", "[[:alpha:]]", "[a/]", "[!-0]",
            "[+-1]", "[[=a=]]", "[[.a.]]", "[\\]]", "[é-ü]", "[a", "\\/", "*\\", "é*"]
        {
            assert!(x(&[p]).needs_path(), "{p}");
        }
    }

    /// The name-only shortcut never changes an answer: each pattern gives the same verdict
    /// by name as by whole path, on paths built to tempt it.
    #[test]
    fn name_only_patterns_agree_with_the_whole_path() {
        let patterns = ["*.log", "*~", "[Tt]humbs.db", "*.[oa]", "x[a-z]", "*é", "*[0-9]", "[]x]", "**a", "a\\-"];
        let paths = ["r/a.log", "r/a.log/b", "r/x.lo/g", "r/Thumbs.db", "r/a/b~", "r/b~/c", "r/q/f.o",
            "r/x/y9", "r/éa/b", "r/b/éa", "r/]", "r/x/xa", "r/a-", "r/ba"];
        for p in patterns {
            let glob = Rule::new(p.as_bytes());
            assert!(name_only(p.as_bytes()), "{p}");
            for path in paths {
                let name = path.rsplit('/').next().unwrap();
                assert_eq!(glob.matches(path.as_bytes()), glob.matches(name.as_bytes()), "{p} on {path}");
            }
        }
    }

    /// The same, for random patterns: sorting a pattern into the name-only list never
    /// changes what it excludes.
    #[test]
    fn the_name_shortcut_is_exact_on_random_patterns() {
        let mut next = crate::fnmatch::test_rng(0x2545_f491_4f6c_dd1du64);
        let atoms = ["a", "b", "é", "/", "*", "?", "\\", "\\*", "\\/", "-", "]", "[", "[a-c]", "[]a]", "[!a]",
            "[^/]", "[a-]", "[-z]", "[+-1]", "[0-9]", "[[:alpha:]]", "[é]", "[a/]", "[a", "."];
        let parts = ["a", "b", "é", "ab", "a-", "]", "[", "*", ".", "0", "+", "\\", "ba", "aé"];
        let mut shortcut = 0;
        for _ in 0..20_000 {
            let p: String = (0..next(5)).map(|_| atoms[next(atoms.len())]).collect();
            let list = Exclude::new(&[&p]);
            shortcut += !list.needs_path() as u32;
            let rule = Rule::new(p.as_bytes());
            for _ in 0..8 {
                let depth = 1 + next(3);
                let comps: Vec<String> = (0..=depth)
                    .map(|_| (0..1 + next(2)).map(|_| parts[next(parts.len())]).collect())
                    .collect();
                let path = comps.join("/");
                let name = comps.last().unwrap();
                assert_eq!(list.excludes(name.as_bytes(), path.as_bytes()), rule.matches(path.as_bytes()), "{p:?} on {path:?}");
            }
        }
        assert!(shortcut > 2000, "{shortcut} patterns took the shortcut");
    }
}
