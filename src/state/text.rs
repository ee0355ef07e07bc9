//! Small text helpers shared by the codecs: exact number formatting and strict parsing,
//! percent-decoding, identifiers, and quoting user text safely inside plain-text messages.

use std::borrow::Cow;

/// Longest user text quoted in a message (characters); longer text is cut with `…`.
const QUOTE_MAX: usize = 32;

/// Formats `v` so that parsing it gives back exactly `v` (Rust's shortest round-trip
/// representation), in exponent form when the plain form would be long (`1e-9`, `1.5e300`).
/// Non-finite values are written as `NaN`/`inf` (the readers reject them). Part of the link
/// codec (and the exact exports): numbers shown to people are [`super::numtext`]'s.
pub fn fmt_f64(v: f64) -> String {
    let plain = format!("{v}");
    if plain.len() > 20 {
        format!("{v:e}")
    } else {
        plain
    }
}

/// Parses a finite decimal number (`1`, `-0.25`, `1e-3`, `+2.`); rejects `inf`, `NaN`,
/// hexadecimal, empty and overlong text.
pub fn parse_f64(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    super::decimal::parse(s).filter(|v| v.is_finite())
}

/// Parses an unsigned decimal integer (no sign, no exponent).
pub fn parse_u64(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok()
}

/// Parses a flag: `1/0`, `true/false`, `yes/no`, `on/off` (any case); an empty value (a bare
/// key such as `#embed`) means `true`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `1` or `0`.
pub fn fmt_bool(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// True for a short control-group identifier: 1–32 characters of `[a-z0-9-]`.
pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// User text made safe to quote in a plain-text message: control and format characters become
/// `?`, and anything past 32 characters is cut with `…`.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == QUOTE_MAX {
            out.push('…');
            break;
        }
        let bad = c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        out.push(if bad { '?' } else { c });
    }
    out
}

/// `s` with every byte that could end or change a link's value (`&`, `=`, `#`, `%`, space,
/// controls, non-ASCII …) written as `%XX`; letters, digits and `. _ - ~ * ( ) , ^ / + ! :` as
/// they are, so a formula stays readable in a link.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b".-_~*(),^/+!:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (as browsers and chat apps may add them); malformed escapes are kept
/// literally, invalid UTF-8 becomes `�`. Borrowed when there is nothing to decode.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn prefix_at_most(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// 1-based line and column (in characters) of byte offset `pos` in `text`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let head = prefix_at_most(text, pos);
    let line = 1 + head.bytes().filter(|&b| b == b'\n').count();
    let col = 1 + head.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col)
}

/// Line numbers of increasing byte offsets in one text, in linear total time.
pub struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// 1-based line of byte offset `pos` (cheap when offsets increase; correct in any order).
    pub fn line_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.text[self.pos..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = pos;
        self.line
    }
}
