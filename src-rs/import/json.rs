//! A streaming reader of ncdu's JSON export format (dev.yorhel.nl/ncdu/jsonfmt), written
//! by hand over the bytes rather than with serde_json: an export of a million files is
//! ~60 MB, and this reads it in one pass through a fixed buffer, handing each entry to the
//! loader as it comes, so memory stays flat whatever the file's size. Names are bytes: ncdu
//! writes a name that is not UTF-8 as its raw bytes, which a UTF-8 JSON parser refuses.
//!
//! The grammar, as ncdu, gdu and dirsize write it:
//! `[major, minor, {metadata}, item, ...]` where an item is a file `{...}` or a directory
//! `[{...}, item, ...]`. Nesting is tracked with a counter, never the call stack, so a chain
//! of directories of any depth is read.

use std::io::Read;

/// Where a file stops being readable: the byte offset (0-based, in the decompressed data
/// for a .gz) and the line and column (1-based) there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syntax {
    /// What was wrong.
    pub message: String,
    /// Byte offset of the offending byte (the end of the data when it stopped short).
    pub offset: u64,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in bytes.
    pub column: u64,
}

/// One entry of an export, as the file gives it (absent fields are None/false).
#[derive(Debug, Clone, Default)]
pub struct RawEntry {
    /// `name`: the exact bytes (escapes decoded; \u escapes as UTF-8).
    pub name: Vec<u8>,
    /// `asize`.
    pub asize: Option<u64>,
    /// `dsize`.
    pub dsize: Option<u64>,
    /// `dev`.
    pub dev: Option<u64>,
    /// `ino`.
    pub ino: Option<u64>,
    /// `nlink` (ncdu 2.x; Debian's 1.18 writes it too).
    pub nlink: Option<u64>,
    /// `hlnkc`: more than one link.
    pub hlnkc: bool,
    /// `notreg`: neither a regular file nor a directory.
    pub notreg: bool,
    /// `read_error`.
    pub read_error: bool,
    /// `excluded` ("pattern", "otherfs"/"othfs", "kernfs", "frmlnk"): not counted by the scan.
    pub excluded: bool,
    /// `uid` (extended export).
    pub uid: Option<u64>,
    /// `gid` (extended export).
    pub gid: Option<u64>,
    /// `mode` (extended export): st_mode, type bits included.
    pub mode: Option<u64>,
    /// `mtime` (extended export), seconds.
    pub mtime: Option<i64>,
}

/// What the reader hands the loader, in file order.
pub trait Events {
    /// The metadata object's `progname`, once, before any entry.
    fn header(&mut self, progname: &[u8]);
    /// A directory opens (its own entry); `depth` 0 is a root.
    fn open_dir(&mut self, e: RawEntry, depth: u32) -> Result<(), String>;
    /// A non-directory; `depth` 0 is a root.
    fn entry(&mut self, e: RawEntry, depth: u32) -> Result<(), String>;
    /// The innermost open directory closes.
    fn close_dir(&mut self) -> Result<(), String>;
    /// Whether to stop (a cancelled load).
    fn stopped(&self) -> bool {
        false
    }
}

const BUF: usize = 256 * 1024;

/// The byte source: a buffer over any reader, counting the offset and lines as it goes.
pub struct Reader<R: Read> {
    src: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Offset of buf[0] in the stream.
    base: u64,
    line: u64,
    /// Offset just after the last newline seen.
    line_start: u64,
    eof: bool,
}

type Res<T> = Result<T, Syntax>;

impl<R: Read> Reader<R> {
    /// A reader over `src`.
    pub fn new(src: R) -> Reader<R> {
        Reader { src, buf: vec![0; BUF].into_boxed_slice(), pos: 0, end: 0, base: 0, line: 1, line_start: 0, eof: false }
    }

    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// An error at the current position.
    fn err(&self, message: impl Into<String>) -> Syntax {
        let offset = self.offset();
        Syntax { message: message.into(), offset, line: self.line, column: offset - self.line_start + 1 }
    }

    fn fill(&mut self) -> Res<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.src.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.err(read_error_text(&e))),
            }
        }
    }

    fn peek(&mut self) -> Res<Option<u8>> {
        Ok(if self.fill()? { Some(self.buf[self.pos]) } else { None })
    }

    /// The next byte that is not white space (consumed), or an error at the end of data.
    fn next_token(&mut self, expected: &str) -> Res<u8> {
        self.skip_ws()?;
        match self.peek()? {
            Some(b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.truncated(expected)),
        }
    }

    fn truncated(&self, expected: &str) -> Syntax {
        self.err(format!("unexpected end of data, expected {expected} (a truncated file?)"))
    }

    fn skip_ws(&mut self) -> Res<()> {
        loop {
            if !self.fill()? {
                return Ok(());
            }
            while self.pos < self.end {
                match self.buf[self.pos] {
                    b' ' | b'\t' | b'\r' => self.pos += 1,
                    b'\n' => {
                        self.pos += 1;
                        self.line += 1;
                        self.line_start = self.offset();
                    }
                    _ => return Ok(()),
                }
            }
        }
    }

    fn expect(&mut self, want: u8, expected: &str) -> Res<()> {
        let b = self.next_token(expected)?;
        if b != want {
            self.pos -= 1;
            return Err(self.err(format!("expected {expected}, found {}", shown(b))));
        }
        Ok(())
    }

    /// A string's bytes (the opening quote already consumed) into `out`.
    fn string_into(&mut self, out: &mut Vec<u8>) -> Res<()> {
        out.clear();
        loop {
            if !self.fill()? {
                return Err(self.truncated("the end of a string"));
            }
            // Copy the plain run at once: most names have no escape.
            let start = self.pos;
            let buf = &self.buf[..self.end];
            let mut i = start;
            while i < buf.len() && buf[i] != b'"' && buf[i] != b'\\' && buf[i] >= 0x20 {
                i += 1;
            }
            out.extend_from_slice(&buf[start..i]);
            self.pos = i;
            if i == self.end {
                continue;
            }
            let b = self.buf[i];
            self.pos += 1;
            match b {
                b'"' => return Ok(()),
                b'\\' => self.escape(out)?,
                _ => {
                    self.pos -= 1;
                    return Err(self.err(format!("a control character ({}) inside a string", shown(b))));
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Res<()> {
        let b = self.next_raw("an escape")?;
        let c = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let mut cp = self.hex4()?;
                if (0xd800..0xdc00).contains(&cp) {
                    // A surrogate pair makes one code point; a lone half is kept as WTF-8.
                    if self.peek()? == Some(b'\\') {
                        self.pos += 1;
                        if self.next_raw("an escape")? != b'u' {
                            self.pos -= 1;
                            return Err(self.err("expected \\u after a high surrogate"));
                        }
                        let lo = self.hex4()?;
                        if (0xdc00..0xe000).contains(&lo) {
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        } else {
                            push_wtf8(out, cp);
                            cp = lo;
                        }
                    }
                }
                push_wtf8(out, cp);
                return Ok(());
            }
            _ => {
                self.pos -= 1;
                return Err(self.err(format!("an invalid escape \\{}", shown(b))));
            }
        };
        out.push(c);
        Ok(())
    }

    fn next_raw(&mut self, expected: &str) -> Res<u8> {
        match self.peek()? {
            Some(b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.truncated(expected)),
        }
    }

    fn hex4(&mut self) -> Res<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let b = self.next_raw("four hex digits")?;
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    self.pos -= 1;
                    return Err(self.err(format!("expected a hex digit, found {}", shown(b))));
                }
            };
            v = v * 16 + d as u32;
        }
        Ok(v)
    }

    /// A number's text (first byte already read as `first`) into `out`.
    fn number_text(&mut self, first: u8, out: &mut Vec<u8>) -> Res<()> {
        out.clear();
        out.push(first);
        while let Some(b) = self.peek()? {
            if b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-') {
                out.push(b);
                self.pos += 1;
            } else {
                break;
            }
        }
        if !valid_number(out) {
            return Err(self.err(format!("an invalid number {}", String::from_utf8_lossy(out))));
        }
        Ok(())
    }

    /// A literal's rest (`rue`, `alse`, `ull`).
    fn literal(&mut self, rest: &[u8]) -> Res<()> {
        for &want in rest {
            let b = self.next_raw("a literal")?;
            if b != want {
                self.pos -= 1;
                return Err(self.err(format!("an invalid literal (found {})", shown(b))));
            }
        }
        Ok(())
    }

    /// Skips any JSON value whose first byte is `first` (already consumed). Containers nest
    /// on a small stack of the closers expected.
    fn skip_value(&mut self, first: u8, scratch: &mut Vec<u8>) -> Res<()> {
        let mut closers: Vec<u8> = Vec::new();
        let mut b = first;
        loop {
            match b {
                b'{' | b'[' => {
                    let close = if b == b'{' { b'}' } else { b']' };
                    self.skip_ws()?;
                    if self.peek()? == Some(close) {
                        self.pos += 1;
                    } else {
                        closers.push(close);
                        if close == b'}' {
                            self.key(scratch)?;
                        }
                        b = self.next_token("a value")?;
                        continue;
                    }
                }
                b'"' => self.string_into(scratch)?,
                b't' => self.literal(b"rue")?,
                b'f' => self.literal(b"alse")?,
                b'n' => self.literal(b"ull")?,
                b'-' | b'0'..=b'9' => self.number_text(b, scratch)?,
                _ => {
                    self.pos -= 1;
                    return Err(self.err(format!("expected a value, found {}", shown(b))));
                }
            }
            // A value is complete: the next element of its container, or the container's end.
            loop {
                let close = match closers.last() {
                    Some(&c) => c,
                    None => return Ok(()),
                };
                let c = self.next_token("',' or a closing bracket")?;
                if c == b',' {
                    if close == b'}' {
                        self.key(scratch)?;
                    }
                    b = self.next_token("a value")?;
                    break;
                } else if c == close {
                    closers.pop();
                } else {
                    self.pos -= 1;
                    return Err(self.err(format!("expected ',' or '{}', found {}", close as char, shown(c))));
                }
            }
        }
    }

    /// `"key":` inside an object being skipped.
    fn key(&mut self, scratch: &mut Vec<u8>) -> Res<()> {
        self.expect(b'"', "a key")?;
        self.string_into(scratch)?;
        self.expect(b':', "':'")
    }
}

fn read_error_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "unexpected end of compressed data (a truncated .gz?)".to_string(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => format!("corrupt compressed data ({e})"),
        _ => format!("read error: {e}"),
    }
}

/// A byte as a message shows it.
fn shown(b: u8) -> String {
    if (0x20..0x7f).contains(&b) {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn push_wtf8(out: &mut Vec<u8>, cp: u32) {
    if cp < 0x80 {
        out.push(cp as u8);
    } else if cp < 0x800 {
        out.extend_from_slice(&[0xc0 | (cp >> 6) as u8, 0x80 | (cp & 0x3f) as u8]);
    } else if cp < 0x10000 {
        out.extend_from_slice(&[0xe0 | (cp >> 12) as u8, 0x80 | ((cp >> 6) & 0x3f) as u8, 0x80 | (cp & 0x3f) as u8]);
    } else {
        out.extend_from_slice(&[
            0xf0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3f) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]);
    }
}

/// JSON's number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
fn valid_number(s: &[u8]) -> bool {
    let mut i = 0;
    if s.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < s.len() && s[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if s.get(i) == Some(&b'0') {
        i += 1;
    } else if !digits(&mut i) {
        return false;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(s.get(i), Some(b'e') | Some(b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+') | Some(b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == s.len()
}

/// An unsigned integer field; a fraction or exponent is refused (sizes are whole bytes).
fn unsigned(s: &[u8]) -> Option<u64> {
    if s.is_empty() || !s.iter().all(|b| b.is_ascii_digit()) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

fn signed(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let v = unsigned(digits)? as i128;
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// Reads a whole export from `r`, handing entries to `ev`. Errors carry the position.
pub fn read<R: Read, E: Events>(r: &mut Reader<R>, ev: &mut E) -> Result<(), Syntax> {
    let mut scratch = Vec::new();
    r.skip_ws()?;
    if r.peek()?.is_none() {
        return Err(r.err("an empty file (not an ncdu-format export)"));
    }
    r.expect(b'[', "'[' (an ncdu-format export starts with [1,")?;
    let major = r.next_token("the format's major version")?;
    if !major.is_ascii_digit() {
        r.pos -= 1;
        return Err(r.err("expected the format's major version (1)"));
    }
    r.number_text(major, &mut scratch)?;
    if scratch != b"1" {
        return Err(r.err(format!("major version {} (only 1 is known)", String::from_utf8_lossy(&scratch))));
    }
    r.expect(b',', "','")?;
    let minor = r.next_token("the format's minor version")?;
    if !minor.is_ascii_digit() {
        r.pos -= 1;
        return Err(r.err("expected the format's minor version"));
    }
    r.number_text(minor, &mut scratch)?;
    r.expect(b',', "','")?;
    r.expect(b'{', "the metadata object")?;
    let mut progname = Vec::new();
    object_fields(r, &mut scratch, |r, key, first, scratch| {
        if key == b"progname" && first == b'"' {
            r.string_into(&mut progname)?;
            Ok(())
        } else {
            r.skip_value(first, scratch)
        }
    })?;
    ev.header(&progname);

    // Roots: at least one, each an item; then the closing ']'.
    let mut roots = 0;
    loop {
        let c = r.next_token("',' or ']'")?;
        match c {
            b']' => break,
            b',' => {
                items(r, ev, &mut scratch)?;
                roots += 1;
            }
            _ => {
                r.pos -= 1;
                return Err(r.err(format!("expected ',' or ']', found {}", shown(c))));
            }
        }
    }
    if roots == 0 {
        return Err(r.err("no root directory in the export"));
    }
    r.skip_ws()?;
    if r.peek()?.is_some() {
        return Err(r.err("data after the end of the export"));
    }
    Ok(())
}

/// One item (a root and everything in it). Directories nest by counter.
fn items<R: Read, E: Events>(r: &mut Reader<R>, ev: &mut E, scratch: &mut Vec<u8>) -> Res<()> {
    let mut depth: u32 = 0;
    loop {
        if ev.stopped() {
            return Err(r.err("stopped"));
        }
        // Past the whitespace first: `at` is the entry's first byte (as reader.ts's), not the
        // end of the line before it.
        r.skip_ws()?;
        let at = r.offset();
        let c = r.next_token("an entry")?;
        let fail = |r: &Reader<R>, m: String| {
            let mut e = r.err(m);
            // The entry's own start is where a reader looks for it.
            e.column -= e.offset - at;
            e.offset = at;
            e
        };
        match c {
            b'[' => {
                r.expect(b'{', "a directory's own entry '{'")?;
                let e = entry(r, scratch)?;
                ev.open_dir(e, depth).map_err(|m| fail(r, m))?;
                depth += 1;
            }
            b'{' => {
                let e = entry(r, scratch)?;
                ev.entry(e, depth).map_err(|m| fail(r, m))?;
            }
            _ => {
                r.pos -= 1;
                return Err(r.err(format!("expected an entry ('{{' or '['), found {}", shown(c))));
            }
        }
        loop {
            if depth == 0 {
                return Ok(());
            }
            let c = r.next_token("',' or ']'")?;
            match c {
                b',' => break,
                b']' => {
                    ev.close_dir().map_err(|m| r.err(m))?;
                    depth -= 1;
                }
                _ => {
                    r.pos -= 1;
                    return Err(r.err(format!("expected ',' or ']', found {}", shown(c))));
                }
            }
        }
    }
}

/// The fields of an object (its '{' consumed), each key handed to `f` with the value's first byte.
fn object_fields<R: Read>(
    r: &mut Reader<R>,
    scratch: &mut Vec<u8>,
    mut f: impl FnMut(&mut Reader<R>, &[u8], u8, &mut Vec<u8>) -> Res<()>,
) -> Res<()> {
    let mut key = Vec::new();
    r.skip_ws()?;
    if r.peek()? == Some(b'}') {
        r.pos += 1;
        return Ok(());
    }
    loop {
        r.expect(b'"', "a key")?;
        r.string_into(&mut key)?;
        r.expect(b':', "':'")?;
        let first = r.next_token("a value")?;
        f(r, &key, first, scratch)?;
        let c = r.next_token("',' or '}'")?;
        match c {
            b',' => continue,
            b'}' => return Ok(()),
            _ => {
                r.pos -= 1;
                return Err(r.err(format!("expected ',' or '}}', found {}", shown(c))));
            }
        }
    }
}

/// An entry's object (its '{' consumed).
fn entry<R: Read>(r: &mut Reader<R>, scratch: &mut Vec<u8>) -> Res<RawEntry> {
    let mut e = RawEntry::default();
    let mut named = false;
    object_fields(r, scratch, |r, key, first, scratch| {
        let num = |r: &mut Reader<R>, scratch: &mut Vec<u8>| -> Res<u64> {
            if !(first == b'-' || first.is_ascii_digit()) {
                r.pos -= 1;
                return Err(r.err(format!("\"{}\" must be a number", String::from_utf8_lossy(key))));
            }
            r.number_text(first, scratch)?;
            unsigned(scratch)
                .ok_or_else(|| r.err(format!("\"{}\" must be a whole number from 0 to 2^64-1", String::from_utf8_lossy(key))))
        };
        let boolean = |r: &mut Reader<R>, scratch: &mut Vec<u8>| -> Res<bool> {
            match first {
                b't' => r.literal(b"rue").map(|_| true),
                b'f' => r.literal(b"alse").map(|_| false),
                _ => r.skip_value(first, scratch).map(|_| false),
            }
        };
        match key {
            b"name" => {
                if first != b'"' {
                    r.pos -= 1;
                    return Err(r.err("\"name\" must be a string"));
                }
                named = true;
                r.string_into(&mut e.name)
            }
            b"asize" => num(r, scratch).map(|v| e.asize = Some(v)),
            b"dsize" => num(r, scratch).map(|v| e.dsize = Some(v)),
            b"dev" => num(r, scratch).map(|v| e.dev = Some(v)),
            b"ino" => num(r, scratch).map(|v| e.ino = Some(v)),
            b"nlink" => num(r, scratch).map(|v| e.nlink = Some(v)),
            b"uid" => num(r, scratch).map(|v| e.uid = Some(v)),
            b"gid" => num(r, scratch).map(|v| e.gid = Some(v)),
            b"mode" => num(r, scratch).map(|v| e.mode = Some(v)),
            b"hlnkc" => boolean(r, scratch).map(|v| e.hlnkc = v),
            b"notreg" => boolean(r, scratch).map(|v| e.notreg = v),
            b"read_error" => boolean(r, scratch).map(|v| e.read_error = v),
            b"excluded" => {
                // Any reason (a string) excludes; `false` would not.
                e.excluded = first != b'f' && first != b'n';
                r.skip_value(first, scratch)
            }
            b"mtime" => {
                if first == b'-' || first.is_ascii_digit() {
                    r.number_text(first, scratch)?;
                    // A fractional mtime (ncdu 2 may write one) keeps its whole seconds.
                    let whole: Vec<u8> = scratch.iter().take_while(|&&b| b != b'.' && b != b'e' && b != b'E').cloned().collect();
                    e.mtime = signed(&whole);
                    Ok(())
                } else {
                    r.skip_value(first, scratch)
                }
            }
            _ => r.skip_value(first, scratch),
        }
    })?;
    if !named {
        return Err(r.err("an entry without a \"name\""));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl Events for Log {
        fn header(&mut self, p: &[u8]) {
            self.0.push(format!("header {}", String::from_utf8_lossy(p)));
        }
        fn open_dir(&mut self, e: RawEntry, d: u32) -> Result<(), String> {
            self.0.push(format!("dir {} {} {:?}", d, String::from_utf8_lossy(&e.name), e.asize));
            Ok(())
        }
        fn entry(&mut self, e: RawEntry, d: u32) -> Result<(), String> {
            self.0.push(format!("file {} {:?} {:?}", d, e.name, e.asize));
            Ok(())
        }
        fn close_dir(&mut self) -> Result<(), String> {
            self.0.push("close".into());
            Ok(())
        }
    }

    fn run(s: &[u8]) -> Result<Vec<String>, Syntax> {
        let mut log = Log::default();
        read(&mut Reader::new(s), &mut log).map(|_| log.0)
    }

    #[test]
    fn reads_nesting_escapes_and_raw_bytes() {
        let doc = b"[1,2,{\"progname\":\"ncdu\",\"x\":[1,{\"a\":[]}]},\n[{\"name\":\"/r\",\"asize\":4096,\"extra\":{\"k\":[1,2,\"s\"]}},\n{\"name\":\"a\\u00e9\\ud83d\\ude00\\t\xff\",\"asize\":5},[{\"name\":\"d\"}]]]";
        let log = run(doc).unwrap();
        assert_eq!(log[0], "header ncdu");
        assert_eq!(log[1], "dir 0 /r Some(4096)");
        let want = b"a\xc3\xa9\xf0\x9f\x98\x80\t\xff".to_vec();
        assert_eq!(log[2], format!("file 1 {:?} Some(5)", want));
        assert_eq!(&log[3..], ["dir 1 d None", "close", "close"]);
    }

    #[test]
    fn positions_of_errors() {
        // Truncated mid-entry: the end of the data, line 2.
        let e = run(b"[1,0,{},\n[{\"name\":\"/r\"},{\"name\":\"f\",\"asi").unwrap_err();
        assert!(e.message.contains("truncated"), "{e:?}");
        assert_eq!((e.offset, e.line, e.column), (40, 2, 32));
        // A corrupt byte: its own offset, line and column.
        let e = run(b"[1,0,{},\n[{\"name\":\"/r\"},{\"name\":\"f\",\"asize\":x}]]").unwrap_err();
        assert_eq!((e.offset, e.line, e.column), (44, 2, 36));
        // Trailing garbage, an empty file, a wrong major version, a negative size.
        assert!(run(b"[1,0,{},[{\"name\":\"/r\"}]] x").unwrap_err().message.contains("after the end"));
        assert!(run(b"").unwrap_err().message.contains("empty"));
        assert!(run(b"[2,0,{},[{\"name\":\"/r\"}]]").unwrap_err().message.contains("major"));
        assert!(run(b"[1,0,{},[{\"name\":\"/r\",\"asize\":-1}]]").unwrap_err().message.contains("whole number"));
        assert!(run(b"[1,0,{}]").unwrap_err().message.contains("no root"));
    }

    #[test]
    fn numbers() {
        for ok in ["0", "-1", "1.5", "1e5", "-0.0E-1"] {
            assert!(valid_number(ok.as_bytes()), "{ok}");
        }
        for bad in ["01", "-", "1.", ".5", "1e", "--1"] {
            assert!(!valid_number(bad.as_bytes()), "{bad}");
        }
        assert_eq!(unsigned(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(unsigned(b"18446744073709551616"), None);
        assert_eq!(signed(b"-5"), Some(-5));
    }
}
