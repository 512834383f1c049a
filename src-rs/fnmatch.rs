//! fnmatch(3) as du --exclude calls it: glibc 2.36's `fnmatch(pattern, name, 0)` under a
//! UTF-8 locale (C.UTF-8), written out so that the walker matches alike on every platform
//! (Windows and musl have no such fnmatch). Its twin for the TypeScript walker is
//! src/walker/fnmatch.ts; both are checked against glibc (scripts/fnmatch-oracle.py).
//!
//! The rules, all glibc's:
//! - `*` and `?` match any character, `/` and a leading `.` included (flags 0);
//! - `\` quotes the next character; a pattern that ends in a lone `\` matches nothing;
//! - `[...]`: a leading `!` or `^` negates, a leading `]` is literal, `a-z` is a range,
//!   `[:name:]` one of C.UTF-8's classes (the POSIX twelve and `combining`, with glibc's
//!   Unicode tables), `[=c=]` and `[.c.]` the character c itself (C.UTF-8 defines no
//!   collating elements); a bracket that is never closed is a literal `[`. Malformed
//!   brackets go the way glibc's parser goes, step by step (see `bracket`);
//! - a name is tried by character, when pattern and name are both valid UTF-8 as glibc
//!   decodes it (sequences of up to 6 bytes, no overlong forms, no surrogates), and then by
//!   byte: glibc 2.36 falls back to bytes whenever the wide match fails or cannot be made.
//!   So `?` and `??` both match `é` (2 bytes), and a name that is not UTF-8 matches byte by
//!   byte, where bytes from 0x80 up are in no class;
//! - a range compares code points, but C.UTF-8 gives glibc the order of U+0001..U+00FF only,
//!   so no character above U+00FF is in any range, and a range whose end is above U+00FF
//!   holds only its start (`[à-ÿ]` matches `é`, `[а-я]` matches nothing).
//!
//! One place where glibc has no answer: a pattern that ends in a range's `-`, in a bracket
//! never closed (`[a-`), makes it read past the pattern's end when the character is above
//! U+00FF, and answer by whatever memory lies there. Here the end stays the end: the bracket
//! is unclosed, and its `[` a literal.
//!
//! Kept to Rust 1.63 (no let-else), like the walker it serves.

use crate::fnmatch_ctype as ct;

/// The end of the pattern, as C's terminating NUL: neither a pattern nor a name holds a 0.
const END: u32 = 0;

/// The longest class name glibc tries (CHARCLASS_NAME_MAX); longer ones match nothing.
const CLASS_NAME_MAX: usize = 2048;

/// A pattern, decoded once for both ways of matching.
#[derive(Debug, Clone)]
pub struct Pattern {
    bytes: Vec<u8>,
    /// By character; `None` when the pattern is not valid UTF-8.
    wide: Option<Vec<u32>>,
}

impl Pattern {
    /// `pattern` must not hold a 0 byte (it cannot reach fnmatch through C).
    pub fn new(pattern: &[u8]) -> Pattern {
        Pattern { bytes: pattern.to_vec(), wide: decode(pattern) }
    }

    /// Whether fnmatch(pattern, name, 0) is 0.
    pub fn matches(&self, name: &[u8]) -> bool {
        // Both ASCII: the two ways are one (same units, same classes, same order).
        if self.bytes.is_ascii() && name.is_ascii() {
            return run(&self.bytes, name, Mode::Byte);
        }
        if let Some(wide) = &self.wide {
            if let Some(chars) = decode(name) {
                if run(wide, &chars, Mode::Wide) {
                    return true;
                }
            }
        }
        run(&self.bytes, name, Mode::Byte)
    }
}

/// Decodes UTF-8 as glibc's mbsrtowcs does: up to 6 bytes a character (code points up to
/// 0x7FFFFFFF), no overlong form, no surrogate. `None` if any sequence is invalid.
pub fn decode(b: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        let (len, min, bits) = match lead {
            0x00..=0x7f => {
                out.push(lead as u32);
                i += 1;
                continue;
            }
            0xc0..=0xdf => (2, 0x80, lead & 0x1f),
            0xe0..=0xef => (3, 0x800, lead & 0x0f),
            0xf0..=0xf7 => (4, 0x1_0000, lead & 0x07),
            0xf8..=0xfb => (5, 0x20_0000, lead & 0x03),
            0xfc..=0xfd => (6, 0x400_0000, lead & 0x01),
            _ => return None,
        };
        if i + len > b.len() {
            return None;
        }
        let mut c = bits as u32;
        for &next in &b[i + 1..i + len] {
            if next & 0xc0 != 0x80 {
                return None;
            }
            c = (c << 6) | (next & 0x3f) as u32;
        }
        if c < min || (0xd800..=0xdfff).contains(&c) {
            return None;
        }
        out.push(c);
        i += len;
    }
    Some(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Units are code points.
    Wide,
    /// Units are bytes.
    Byte,
}

/// The classes fnmatch can name under C.UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Alnum,
    Alpha,
    Blank,
    Cntrl,
    Combining,
    Digit,
    Graph,
    Lower,
    Print,
    Punct,
    Space,
    Upper,
    Xdigit,
}

impl Class {
    fn named(name: &[u32]) -> Option<Class> {
        let text: Vec<u8> = name.iter().map(|&c| c as u8).collect();
        Some(match &text[..] {
            b"alnum" => Class::Alnum,
            b"alpha" => Class::Alpha,
            b"blank" => Class::Blank,
            b"cntrl" => Class::Cntrl,
            b"combining" => Class::Combining,
            b"digit" => Class::Digit,
            b"graph" => Class::Graph,
            b"lower" => Class::Lower,
            b"print" => Class::Print,
            b"punct" => Class::Punct,
            b"space" => Class::Space,
            b"upper" => Class::Upper,
            b"xdigit" => Class::Xdigit,
            _ => return None,
        })
    }

    fn has(self, c: u32, mode: Mode) -> bool {
        // Bytes from 0x80 up are not characters of a UTF-8 locale: in no class.
        if mode == Mode::Byte && c >= 0x80 {
            return false;
        }
        let within = |table: &[(u32, u32)]| {
            table.binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
        };
        match self {
            Class::Alnum => within(ct::ALPHA) || within(ct::DIGIT),
            Class::Alpha => within(ct::ALPHA),
            Class::Blank => within(ct::BLANK),
            Class::Cntrl => within(ct::CNTRL),
            Class::Combining => within(ct::COMBINING),
            Class::Digit => within(ct::DIGIT),
            Class::Graph => within(ct::PRINT) && !within(ct::SPACE),
            Class::Lower => within(ct::LOWER),
            Class::Print => within(ct::PRINT),
            Class::Punct => {
                within(ct::PRINT) && !within(ct::SPACE) && !within(ct::ALPHA) && !within(ct::DIGIT)
            }
            Class::Space => within(ct::SPACE),
            Class::Upper => within(ct::UPPER),
            Class::Xdigit => within(ct::XDIGIT),
        }
    }
}

/// A character's place in range comparisons, if the locale gives it one.
fn order(c: u32, mode: Mode) -> Option<u32> {
    match mode {
        Mode::Byte => Some(c),
        Mode::Wide if c <= 0xff => Some(c),
        Mode::Wide => None,
    }
}

enum Outcome {
    Match,
    NoMatch,
    /// A segment reached the `*` at this pattern index with the name at this index.
    Star(usize, usize),
}

/// A pattern and a name as units (bytes or code points), read as C reads them: past the
/// end of the pattern is `END`.
struct Matcher<'a, T> {
    p: &'a [T],
    s: &'a [T],
    mode: Mode,
}

fn run<T: Copy + Into<u32>>(p: &[T], s: &[T], mode: Mode) -> bool {
    matches!(Matcher { p, s, mode }.from(0, 0, false), Outcome::Match)
}

enum Bracket {
    /// The bracket matched the name's unit; the pattern goes on at this index.
    Matched(usize),
    NoMatch,
    /// Never closed: the `[` is an ordinary character.
    Unclosed,
}

impl<'a, T: Copy + Into<u32>> Matcher<'a, T> {
    fn pat(&self, i: usize) -> u32 {
        self.p.get(i).map_or(END, |&c| c.into())
    }

    fn name(&self, i: usize) -> u32 {
        self.s[i].into()
    }

    /// Matches the pattern from `pi` against the name from `si`. A `segment` stops at the
    /// next `*` and says where: glibc matches the text between two stars at the first place
    /// it fits and never comes back to the earlier star, and so does this.
    fn from(&self, mut pi: usize, mut si: usize, segment: bool) -> Outcome {
        let len = self.s.len();
        loop {
            let c = self.pat(pi);
            pi += 1;
            match char::from_u32(c) {
                _ if c == END => return if si == len { Outcome::Match } else { Outcome::NoMatch },
                Some('?') => {
                    if si == len {
                        return Outcome::NoMatch;
                    }
                    si += 1;
                }
                Some('\\') => {
                    let quoted = self.pat(pi);
                    pi += 1;
                    if quoted == END || si == len || self.name(si) != quoted {
                        return Outcome::NoMatch;
                    }
                    si += 1;
                }
                Some('*') => {
                    if segment {
                        return Outcome::Star(pi - 1, si);
                    }
                    match self.star(pi, si) {
                        Ok((p, s)) => {
                            pi = p;
                            si = s;
                        }
                        Err(outcome) => return outcome,
                    }
                }
                Some('[') => {
                    if si == len {
                        return Outcome::NoMatch;
                    }
                    match self.bracket(pi, self.name(si)) {
                        Bracket::Matched(next) => {
                            pi = next;
                            si += 1;
                        }
                        Bracket::NoMatch => return Outcome::NoMatch,
                        Bracket::Unclosed => {
                            if self.name(si) != '[' as u32 {
                                return Outcome::NoMatch;
                            }
                            si += 1;
                        }
                    }
                }
                _ => {
                    if si == len || self.name(si) != c {
                        return Outcome::NoMatch;
                    }
                    si += 1;
                }
            }
        }
    }

    /// A `*` (not in a segment) just before `pi`, with the name at `si`: tries the text up
    /// to the next star at each place it fits, as glibc does. Gives where to go on from
    /// (past that next star), or the outcome when it is decided here.
    fn star(&self, mut pi: usize, mut si: usize) -> Result<(usize, usize), Outcome> {
        let len = self.s.len();
        // Stars and question marks in a row: one star, each `?` one unit.
        let mut next = self.pat(pi);
        pi += 1;
        while next == '*' as u32 || next == '?' as u32 {
            if next == '?' as u32 {
                if si == len {
                    return Err(Outcome::NoMatch);
                }
                si += 1;
            }
            next = self.pat(pi);
            pi += 1;
        }
        if next == END {
            return Err(Outcome::Match);
        }
        let start = pi - 1;
        // What the name's unit must be for the rest to have a chance (`[`: any).
        let first = if next == '[' as u32 {
            None
        } else if next == '\\' as u32 {
            Some(self.pat(pi))
        } else {
            Some(next)
        };
        for at in si..len {
            if let Some(f) = first {
                if f != self.name(at) {
                    continue;
                }
            }
            match self.from(start, at, true) {
                Outcome::Match => return Err(Outcome::Match),
                Outcome::Star(p2, s2) => return Ok((p2, s2)),
                Outcome::NoMatch => {}
            }
        }
        Err(Outcome::NoMatch)
    }

    /// Scans `[...]` from just after its `[` against the unit `u`, as glibc does.
    ///
    /// glibc decides while it scans, and once an item has matched it scans on for the `]`
    /// by other, stricter rules: `[a[=b]` matches `b` and `[` but not `a`. Hence `skip`.
    fn bracket(&self, start: usize, u: u32) -> Bracket {
        let mut p = start;
        let negated = self.pat(p) == ch('!') || self.pat(p) == ch('^');
        if negated {
            p += 1;
        }
        let mut c = self.pat(p);
        p += 1;
        let hit = loop {
            // An item that may start a range: a plain character, or a collating symbol
            // (already consumed, with `c` the unit after it).
            let item = if c == ch('\\') {
                if self.pat(p) == END {
                    return Bracket::NoMatch;
                }
                p += 1;
                Item::Plain(self.pat(p - 1))
            } else if c == ch('[') && self.pat(p) == ch(':') {
                match self.class_name(p) {
                    Scan::Found(name, after) => {
                        let class = match Class::named(&name) {
                            Some(class) => class,
                            None => return Bracket::NoMatch,
                        };
                        p = after;
                        if class.has(u, self.mode) {
                            break true;
                        }
                        Item::Done
                    }
                    // Not a class after all: `[` is a plain character, and `:` comes next.
                    Scan::Plain => Item::Plain(ch('[')),
                    Scan::Fail => return Bracket::NoMatch,
                }
            } else if c == ch('[') && self.pat(p) == ch('=') {
                let sym = self.pat(p + 1);
                if sym != END && self.pat(p + 2) == ch('=') && self.pat(p + 3) == ch(']') {
                    p += 4;
                    if u == sym {
                        break true;
                    }
                    Item::Done
                } else {
                    Item::Plain(ch('['))
                }
            } else if c == END {
                return Bracket::Unclosed;
            } else if c == ch('[') && self.pat(p) == ch('.') {
                let (sym, len, after) = match self.collating(p) {
                    Some(found) => found,
                    None => return Bracket::NoMatch,
                };
                p = after;
                let ranged = self.pat(p) == ch('-') && self.pat(p + 1) != END;
                if len != 1 {
                    return Bracket::NoMatch;
                }
                if !ranged && u == sym {
                    break true;
                }
                Item::Symbol(sym)
            } else {
                Item::Plain(c)
            };
            let low = match item {
                Item::Done => None,
                Item::Symbol(sym) => Some(sym),
                Item::Plain(x) => {
                    let ranged = self.pat(p) == ch('-')
                        && self.pat(p + 1) != END
                        && self.pat(p + 1) != ch(']');
                    if !ranged && x == u {
                        break true;
                    }
                    Some(x)
                }
            };
            c = self.pat(p);
            p += 1;
            if let Some(low) = low {
                if c == ch('-') && self.pat(p) != ch(']') {
                    match self.range(low, &mut p, u) {
                        Err(()) => return Bracket::NoMatch,
                        Ok(true) => break true,
                        Ok(false) => {}
                    }
                    c = self.pat(p);
                    p += 1;
                }
            }
            if c == ch(']') {
                break false;
            }
        };
        if hit {
            self.skip(p, negated)
        } else if negated {
            Bracket::Matched(p)
        } else {
            Bracket::NoMatch
        }
    }

    /// `[:name:]` from its `:` (at `p`): the name and the index after `:]`.
    fn class_name(&self, p: usize) -> Scan {
        let mut name = Vec::new();
        let mut at = p;
        loop {
            if name.len() == CLASS_NAME_MAX {
                return Scan::Fail;
            }
            at += 1;
            let n = self.pat(at);
            if n == ch(':') && self.pat(at + 1) == ch(']') {
                return Scan::Found(name, at + 2);
            }
            // glibc only reads a..y as a name ('z' spells no class it knows).
            if !(ch('a')..ch('z')).contains(&n) {
                return Scan::Plain;
            }
            name.push(n);
        }
    }

    /// `[.x.]` from its `.` (at `p`): the first unit of x, its length, the index after `.]`.
    fn collating(&self, p: usize) -> Option<(u32, usize, usize)> {
        let mut at = p;
        loop {
            at += 1;
            let n = self.pat(at);
            if n == ch('.') && self.pat(at + 1) == ch(']') {
                return Some((self.pat(p + 1), at - p - 1, at + 2));
            }
            if n == END {
                return None;
            }
        }
    }

    /// A range from `low` to the item at `p` (just past the `-`), against `u`; `p` ends
    /// past the range. `Err` when glibc gives up on the whole pattern.
    fn range(&self, low: u32, p: &mut usize, u: u32) -> Result<bool, ()> {
        let mut high = self.pat(*p);
        *p += 1;
        // A unit with no place in the order is in no range, and glibc stops reading this
        // range right there (so `[a-\]x]` ends at the quoted `]` for it).
        let at = match order(u, self.mode) {
            Some(at) => at,
            None => return Ok(false),
        };
        if high == ch('[') && self.pat(*p) == ch('.') {
            let (sym, len, after) = self.collating(*p).ok_or(())?;
            *p = after;
            if len != 1 {
                return Err(());
            }
            high = sym;
        } else {
            if high == ch('\\') {
                high = self.pat(*p);
                *p += 1;
            }
            if high == END {
                return Err(());
            }
        }
        let from = order(low, self.mode);
        let from_at = from.unwrap_or(u32::MAX);
        if from.is_some() && from_at > at {
            return Ok(false);
        }
        Ok(match order(high, self.mode) {
            // An end with no place: the range holds its start only.
            None => from_at == at,
            Some(to) => from_at <= to && at <= to,
        })
    }

    /// The rest of a bracket that has matched, from `p`: where the pattern goes on.
    fn skip(&self, mut p: usize, negated: bool) -> Bracket {
        loop {
            let c = self.pat(p);
            p += 1;
            if c == ch(']') {
                break;
            }
            if c == END {
                return Bracket::Unclosed;
            }
            if c == ch('\\') {
                if self.pat(p) == END {
                    return Bracket::NoMatch;
                }
                p += 1;
            } else if c == ch('[') && self.pat(p) == ch(':') {
                let open = p;
                let mut count = 0;
                loop {
                    p += 1;
                    let n = self.pat(p);
                    count += 1;
                    if count == CLASS_NAME_MAX {
                        return Bracket::NoMatch;
                    }
                    if n == ch(':') && self.pat(p + 1) == ch(']') {
                        p += 2;
                        break;
                    }
                    if !(ch('a')..ch('z')).contains(&n) {
                        p = open;
                        break;
                    }
                }
            } else if c == ch('[') && self.pat(p) == ch('=') {
                if self.pat(p + 1) == END || self.pat(p + 2) != ch('=') || self.pat(p + 3) != ch(']') {
                    return Bracket::NoMatch;
                }
                p += 4;
            } else if c == ch('[') && self.pat(p) == ch('.') {
                loop {
                    p += 1;
                    let n = self.pat(p);
                    if n == END {
                        return Bracket::NoMatch;
                    }
                    if n == ch('.') && self.pat(p + 1) == ch(']') {
                        break;
                    }
                }
                p += 2;
            }
        }
        if negated {
            Bracket::NoMatch
        } else {
            Bracket::Matched(p)
        }
    }
}

fn ch(c: char) -> u32 {
    c as u32
}

enum Item {
    /// A class or an equivalence class that did not match: no range can follow.
    Done,
    Plain(u32),
    Symbol(u32),
}

enum Scan {
    Found(Vec<u32>, usize),
    Plain,
    Fail,
}

/// A small seeded generator for the randomized tests: `next(n)` is below `n` (xorshift64).
#[cfg(test)]
pub(crate) fn test_rng(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

#[cfg(test)]
// The oracle: glibc's own fnmatch, called through FFI (tests only).
#[allow(unsafe_code)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Pattern::new(p.as_bytes()).matches(s.as_bytes())
    }

    #[test]
    fn stars_and_question_marks_cross_slashes() {
        assert!(m("*", "a/b/c"));
        assert!(m("b/*", "b/c/d"));
        assert!(m("*/c", "a/b/c"));
        assert!(m("a?c", "a/c"));
        assert!(m(".*", ".hidden"));
        assert!(m("*", ".hidden"));
        assert!(!m("a*b", "a/c"));
    }

    #[test]
    fn by_character_or_by_byte() {
        assert!(m("?", "é"));
        assert!(m("??", "é"), "glibc retries by byte: é is two");
        assert!(!m("???", "é"));
        assert!(Pattern::new(b"?").matches(b"\xff"));
        assert!(Pattern::new(b"a*").matches(b"a\xff\xfe"));
        assert!(!Pattern::new(b"[[:alpha:]]").matches(b"\xe9"), "a lone byte is no letter");
        assert_eq!(decode(b"\xf4\x90\x80\x80"), Some(vec![0x11_0000]), "glibc decodes past U+10FFFF");
        assert_eq!(decode(b"\xed\xa0\x80"), None, "a surrogate");
        assert_eq!(decode(b"\xc0\x80"), None, "overlong");
    }

    #[test]
    fn brackets() {
        assert!(m("[[:alpha:]]", "é"));
        assert!(m("[[:upper:]]", "É"));
        assert!(m("[[:combining:]]", "\u{301}"));
        assert!(!m("[[:foo:]]", "f"), "an unknown class matches nothing");
        assert!(m("[à-ÿ]", "é"));
        assert!(!m("[а-я]", "б"), "no order above U+00FF");
        assert!(m("[!a]", "/"));
        assert!(m("[^a]", "b"));
        assert!(m("[]]", "]"));
        assert!(m("[a-]", "-"));
        assert!(!m("[z-a]", "m"));
        assert!(m("[[=a=]]", "a") && !m("[[=a=]]", "á"));
        assert!(m("[[.a.]]", "a") && !m("[[.ab.]]", "a"));
        assert!(m("[", "[") && m("[ab", "[ab"), "never closed: a literal [");
        assert!(!m("[a[=b]", "a") && m("[a[=b]", "b") && m("[a[=b]", "["));
        assert!(!m("\\", "\\") && !m("*\\", "a\\"), "a trailing backslash matches nothing");
        assert!(m("\\*", "*") && !m("\\*", "a"));
    }

    fn unhex(h: &str) -> Vec<u8> {
        (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn shared_vectors_from_glibc() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/__test__/fixtures/fnmatch.json");
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases = doc["cases"].as_array().unwrap();
        let mut matched = 0;
        for case in cases {
            let p = case[0].as_str().unwrap();
            let name = match &case[1] {
                serde_json::Value::String(s) => s.as_bytes().to_vec(),
                other => unhex(other["hex"].as_str().unwrap()),
            };
            let want = case[2].as_bool().unwrap();
            assert_eq!(Pattern::new(p.as_bytes()).matches(&name), want, "fnmatch({p:?}, {:?})", String::from_utf8_lossy(&name));
            matched += want as u64;
        }
        assert_eq!(matched, doc["matched"].as_u64().unwrap());
        assert!(cases.len() > 5000);
    }

    /// Random patterns from fnmatch's grammar (malformed ones included) and random names,
    /// against the C library itself: glibc 2.36, the one du 9.1 runs on in the README's
    /// tests and the one the class tables come from.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn random_patterns_agree_with_glibc() {
        use std::ffi::{c_char, c_int, c_void, CStr, CString};
        extern "C" {
            fn gnu_get_libc_version() -> *const c_char;
            fn newlocale(mask: c_int, locale: *const c_char, base: *mut c_void) -> *mut c_void;
            fn uselocale(locale: *mut c_void) -> *mut c_void;
            fn freelocale(locale: *mut c_void);
            fn fnmatch(pattern: *const c_char, string: *const c_char, flags: c_int) -> c_int;
        }
        const LC_ALL_MASK: c_int = 0x1fbf;
        let version = unsafe { CStr::from_ptr(gnu_get_libc_version()) }.to_str().unwrap();
        if version != "2.36" {
            eprintln!("skipped: glibc {version}, the tables are glibc 2.36's");
            return;
        }
        // This thread only: other tests run alongside.
        // Not a c"" literal: the Wine check compiles this file with Rust 1.63.
        #[allow(clippy::manual_c_str_literals)]
        let loc = unsafe { newlocale(LC_ALL_MASK, b"C.UTF-8\0".as_ptr().cast(), std::ptr::null_mut()) };
        assert!(!loc.is_null(), "C.UTF-8");
        let old = unsafe { uselocale(loc) };

        let mut next = crate::fnmatch::test_rng(0x9e37_79b9_7f4a_7c15u64);
        let alphabet = [
            "a", "b", "c", "z", "A", "0", "/", ".", "-", "]", "[", "!", "^", ":", "=", "\\", "*",
            "?", " ", "é", "É", "ÿ", "à", "б", "Я", "中", "\u{301}", "«", "\u{a0}", "😀",
        ];
        let items = [
            "a", "b", "z", "é", "б", "-", "]", "!", "^", "\\]", "\\-", "\\", "[", ":", "=", ".",
            "/", "a-c", "à-ÿ", "а-я", "a-я", "z-a", "a-\\]", "[:alpha:]", "[:upper:]",
            "[:lower:]", "[:punct:]", "[:digit:]", "[:space:]", "[:graph:]", "[:print:]",
            "[:alnum:]", "[:blank:]", "[:cntrl:]", "[:xdigit:]", "[:combining:]", "[:zz:]",
            "[:foo:]", "[:alpha", "[=a=]", "[=é=]", "[=", "[=a", "[.a.]", "[.é.]", "[.ab.]",
            "[.a.]-c", "a-[.c.]", "[.", "[:", "[.a.]-",
        ];
        let bad: [&[u8]; 9] = [
            b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\x80", b"\xfe",
            b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80",
        ];
        let mut checked = 0;
        let mut matched = 0;
        for _ in 0..150_000 {
            let mut p = String::new();
            for _ in 0..next(6) {
                match next(20) {
                    0..=5 => p.push_str(alphabet[next(alphabet.len())]),
                    6..=8 => p.push('*'),
                    9..=11 => p.push('?'),
                    _ => {
                        p.push('[');
                        p.push_str(["", "", "!", "^"][next(4)]);
                        for _ in 0..next(4) {
                            p.push_str(items[next(items.len())]);
                        }
                        if next(5) != 0 {
                            p.push(']');
                        }
                    }
                }
            }
            // Names partly made of the pattern's own characters, or they would rarely match.
            let own: Vec<char> = p.chars().filter(|c| !"*?[]\\".contains(*c)).collect();
            let mut s = Vec::new();
            for _ in 0..next(7) {
                match next(12) {
                    0 => s.extend_from_slice(bad[next(bad.len())]),
                    1..=5 if !own.is_empty() => {
                        let mut buf = [0; 4];
                        s.extend_from_slice(own[next(own.len())].encode_utf8(&mut buf).as_bytes())
                    }
                    _ => s.extend_from_slice(alphabet[next(alphabet.len())].as_bytes()),
                }
            }
            // glibc reads past the end of a pattern that ends in a range's `-` (unclosed
            // bracket, a character above U+00FF): its answer is whatever lies there.
            if p.ends_with('-') {
                continue;
            }
            let (cp, cs) = (CString::new(p.clone()).unwrap(), CString::new(s.clone()).unwrap());
            let want = unsafe { fnmatch(cp.as_ptr(), cs.as_ptr(), 0) } == 0;
            let got = Pattern::new(p.as_bytes()).matches(&s);
            assert_eq!(got, want, "fnmatch({p:?}, {:?})", String::from_utf8_lossy(&s));
            checked += 1;
            matched += want as u32;
        }
        unsafe {
            uselocale(old);
            freelocale(loc);
        }
        // Enough of both answers to mean something.
        assert!(matched > checked / 20, "{matched} of {checked} matched");
    }
}
