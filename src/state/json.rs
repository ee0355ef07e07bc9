//! A tiny JSON reader (RFC 8259 values, depth-limited, byte positions for error messages) and
//! the two writing helpers the exporters need. Enough for the two shapes we read — point lists
//! and models — without a serialization framework.
//!
//! The reader is lenient where leniency is harmless: a number is any run of
//! `[0-9+-.eE]` that Rust parses (so `1e999` reads as infinity, which the callers then reject
//! as "not finite"), and raw control characters inside strings are accepted.

use super::text::fmt_f64;

/// Deepest nesting the reader accepts (recursion bound).
const MAX_DEPTH: usize = 64;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (the first one, if repeated).
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A number, or a string holding a finite-or-not decimal number (lenient).
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(v) => Some(*v),
            Json::Str(s) => {
                let t = s.trim();
                if !t.is_empty()
                    && t.len() <= 64
                    && t.bytes()
                        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
                {
                    super::decimal::parse(t)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// A short description of the value's type, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

/// A syntax error at byte offset `pos`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub pos: usize,
    pub msg: String,
}

/// A cursor over JSON text.
pub(crate) struct Parser<'a> {
    s: &'a [u8],
    /// Byte offset of the next unread byte.
    pub i: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Parser {
            s: text.as_bytes(),
            i: 0,
        }
    }

    fn err<T>(&self, msg: impl Into<String>) -> Result<T, JsonError> {
        Err(JsonError {
            pos: self.i,
            msg: msg.into(),
        })
    }

    /// Skips whitespace (and a byte-order mark).
    pub(crate) fn skip_ws(&mut self) {
        while let Some(&b) = self.s.get(self.i) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            } else if self.s[self.i..].starts_with("\u{feff}".as_bytes()) {
                self.i += 3;
            } else {
                break;
            }
        }
    }

    /// The next non-whitespace byte, not consumed.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }

    /// Consumes `b` (after whitespace) or fails.
    pub(crate) fn expect(&mut self, b: u8) -> Result<(), JsonError> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            let found = self.describe_next();
            self.err(format!("expected '{}' but found {found}", b as char))
        }
    }

    /// True at the end of the input (after whitespace).
    pub(crate) fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    fn describe_next(&mut self) -> String {
        match self.peek() {
            None => "the end of the file".into(),
            Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
            Some(_) => "an unexpected character".into(),
        }
    }

    /// One complete value.
    pub(crate) fn value(&mut self) -> Result<Json, JsonError> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return self.err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        match self.peek() {
            None => self.err("unexpected end of the file"),
            Some(b'{') => {
                self.i += 1;
                let mut members = Vec::new();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Json::Obj(members));
                }
                loop {
                    if self.peek() != Some(b'"') {
                        let found = self.describe_next();
                        return self.err(format!(
                            "expected a member name in quotes but found {found}"
                        ));
                    }
                    let k = self.string()?;
                    self.expect(b':')?;
                    let v = self.value_at(depth + 1)?;
                    members.push((k, v));
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Obj(members));
                        }
                        _ => {
                            let found = self.describe_next();
                            return self.err(format!("expected ',' or '}}' but found {found}"));
                        }
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value_at(depth + 1)?);
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => {
                            let found = self.describe_next();
                            return self.err(format!("expected ',' or ']' but found {found}"));
                        }
                    }
                }
            }
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b) if b == b'-' || b.is_ascii_digit() => self.number(),
            Some(_) => {
                let found = self.describe_next();
                self.err(format!("expected a value but found {found}"))
            }
        }
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, JsonError> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            self.err("expected a value")
        }
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b))
        {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        match super::decimal::parse(text) {
            Some(v) => Ok(Json::Num(v)),
            None => {
                self.i = start;
                self.err("malformed number")
            }
        }
    }

    /// A string (the cursor is on its opening quote).
    pub(crate) fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return self.err("unterminated string");
            };
            self.i += 1;
            match b {
                b'"' => return Ok(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let Some(&e) = self.s.get(self.i) else {
                        return self.err("unterminated string");
                    };
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return self.err("invalid escape in string"),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
    }

    /// After `\u`: four hex digits, combining a surrogate pair; lone surrogates become `�`.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
            self.i = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{fffd}'))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let Some(h) = self.s.get(self.i..self.i + 4) else {
            return self.err("invalid \\u escape");
        };
        let Some(v) = std::str::from_utf8(h)
            .ok()
            .and_then(|t| u32::from_str_radix(t, 16).ok())
        else {
            return self.err("invalid \\u escape");
        };
        self.i += 4;
        Ok(v)
    }
}

/// A number for JSON output: shortest exact form, `null` if not finite.
pub(crate) fn num(v: f64) -> String {
    if v.is_finite() {
        fmt_f64(v)
    } else {
        "null".into()
    }
}

/// A JSON string literal for `s`.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
