//! Windows names are UTF-16 and may hold lone surrogates; the walker keeps names as bytes.
//! WTF-8 (UTF-8 that also encodes lone surrogates, as Rust's OsStr does on Windows) carries
//! every such name through the walker unchanged and back. Plain code, tested on every
//! platform.
#![cfg_attr(not(windows), allow(dead_code))]

/// Appends `wide` to `out` as WTF-8.
pub fn push_wtf8(out: &mut Vec<u8>, wide: &[u16]) {
    for unit in std::char::decode_utf16(wide.iter().copied()) {
        match unit {
            Ok(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Err(e) => {
                let u = e.unpaired_surrogate();
                out.extend_from_slice(&[
                    0xE0 | (u >> 12) as u8,
                    0x80 | ((u >> 6) & 0x3F) as u8,
                    0x80 | (u & 0x3F) as u8,
                ]);
            }
        }
    }
}

/// WTF-8 back to UTF-16, NUL-terminated (the form Windows calls take). A byte that is not
/// WTF-8 (it cannot come from a listing or a JavaScript string) becomes U+FFFD.
pub fn to_wide(bytes: &[u8]) -> Vec<u16> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (len, init) = match b {
            0x00..=0x7F => (1, b as u32),
            0xC0..=0xDF => (2, (b & 0x1F) as u32),
            0xE0..=0xEF => (3, (b & 0x0F) as u32),
            0xF0..=0xF4 => (4, (b & 0x07) as u32),
            _ => (0, 0),
        };
        let tail = bytes.get(i + 1..i + len.max(1)).unwrap_or(&[]);
        if len == 0 || tail.len() + 1 != len || tail.iter().any(|&t| t & 0xC0 != 0x80) {
            out.push(0xFFFD);
            i += 1;
            continue;
        }
        let c = tail.iter().fold(init, |c, &t| (c << 6) | (t & 0x3F) as u32);
        if c >= 0x1_0000 {
            let c = c - 0x1_0000;
            out.push(0xD800 | (c >> 10) as u16);
            out.push(0xDC00 | (c & 0x3FF) as u16);
        } else {
            out.push(c as u16);
        }
        i += len;
    }
    out.push(0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(wide: &[u16]) {
        let mut bytes = Vec::new();
        push_wtf8(&mut bytes, wide);
        let back = to_wide(&bytes);
        assert_eq!(&back[..back.len() - 1], wide);
        assert_eq!(back.last(), Some(&0));
    }

    #[test]
    fn names_survive_the_round_trip() {
        round_trip(&"plain.txt".encode_utf16().collect::<Vec<_>>());
        round_trip(&"é ü 漢字 😀".encode_utf16().collect::<Vec<_>>());
        // Lone surrogates: legal in an NTFS name, not in UTF-8.
        round_trip(&[0x61, 0xD800, 0x62]);
        round_trip(&[0xDC00]);
        round_trip(&[0xDBFF, 0xDBFF, 0xDFFF]);
        round_trip(&[]);
    }

    #[test]
    fn utf8_is_wtf8() {
        let mut bytes = Vec::new();
        push_wtf8(&mut bytes, &"a😀b".encode_utf16().collect::<Vec<_>>());
        assert_eq!(bytes, "a😀b".as_bytes());
        assert_eq!(to_wide("C:\\x".as_bytes()), [67, 58, 92, 120, 0]);
    }

    #[test]
    fn stray_bytes_become_replacement_characters() {
        assert_eq!(to_wide(&[0x61, 0xFF, 0x62]), [0x61, 0xFFFD, 0x62, 0]);
        assert_eq!(to_wide(&[0xE0, 0x80]), [0xFFFD, 0xFFFD, 0]);
    }
}
