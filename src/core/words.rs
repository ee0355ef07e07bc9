//! Words: a flat `f64` encoding for handing engine state across a thread boundary (the page's
//! worker receives and returns trainers as one `Float64Array`; `train/image.rs`).
//!
//! Every value is one or more `f64` words: a number as itself (any bits, NaN included, since
//! the words are copied, never computed with); an integer below 2^53 as an exact integer-valued
//! word; a `u64` as two words (its high and low 32 bits), so a random stream's state survives
//! any path that canonicalises NaN payloads; a list as its length then its items.
//!
//! [`Reader`] checks everything it reads — the end of the input, integer-valued counts within
//! the caller's bound, flags that are 0 or 1 — and returns [`Malformed`] instead of panicking:
//! the words come from another thread and are treated like any input.

use std::fmt;

/// Why words could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed message: {}", self.0)
    }
}

impl std::error::Error for Malformed {}

/// Words being written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Writer {
    words: Vec<f64>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Writer::default()
    }

    /// The words written.
    pub fn finish(self) -> Vec<f64> {
        self.words
    }

    /// A number, bit for bit.
    pub fn f64(&mut self, x: f64) {
        self.words.push(x);
    }

    /// A count or an index (below 2^53).
    pub fn usize(&mut self, n: usize) {
        self.words.push(n as f64);
    }

    /// A 64-bit integer, as its two halves.
    pub fn u64(&mut self, n: u64) {
        self.words.push((n >> 32) as f64);
        self.words.push((n & 0xffff_ffff) as f64);
    }

    /// A flag.
    pub fn bool(&mut self, b: bool) {
        self.words.push(if b { 1.0 } else { 0.0 });
    }

    /// A list of numbers: its length, then the numbers.
    pub fn f64s(&mut self, xs: &[f64]) {
        self.usize(xs.len());
        self.words.extend_from_slice(xs);
    }
}

/// Words being read (see the module docs).
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    words: &'a [f64],
    at: usize,
}

impl<'a> Reader<'a> {
    /// Reads `words` from the start.
    pub fn new(words: &'a [f64]) -> Self {
        Reader { words, at: 0 }
    }

    /// Every word was read.
    pub fn at_end(&self) -> bool {
        self.at == self.words.len()
    }

    /// Words left.
    pub fn left(&self) -> usize {
        self.words.len() - self.at
    }

    /// Fails unless every word was read.
    pub fn end(&self) -> Result<(), Malformed> {
        if self.at_end() {
            Ok(())
        } else {
            Err(Malformed("words left over"))
        }
    }

    /// A number.
    pub fn f64(&mut self) -> Result<f64, Malformed> {
        let x = *self.words.get(self.at).ok_or(Malformed("too short"))?;
        self.at += 1;
        Ok(x)
    }

    /// A finite number.
    pub fn finite(&mut self) -> Result<f64, Malformed> {
        let x = self.f64()?;
        if x.is_finite() {
            Ok(x)
        } else {
            Err(Malformed("a number is not finite"))
        }
    }

    /// A count or index at most `max`.
    pub fn usize(&mut self, max: usize) -> Result<usize, Malformed> {
        let x = self.f64()?;
        if x >= 0.0 && x.fract() == 0.0 && x <= max as f64 {
            Ok(x as usize)
        } else {
            Err(Malformed("a count is out of range"))
        }
    }

    /// A 64-bit integer (two halves, each an integer below 2^32).
    pub fn u64(&mut self) -> Result<u64, Malformed> {
        let hi = self.usize(u32::MAX as usize)? as u64;
        let lo = self.usize(u32::MAX as usize)? as u64;
        Ok(hi << 32 | lo)
    }

    /// A flag (0 or 1).
    pub fn bool(&mut self) -> Result<bool, Malformed> {
        let x = self.f64()?;
        if x == 0.0 || x == 1.0 {
            Ok(x == 1.0)
        } else {
            Err(Malformed("a flag is neither 0 nor 1"))
        }
    }

    /// A list of at most `max` numbers.
    pub fn f64s(&mut self, max: usize) -> Result<Vec<f64>, Malformed> {
        let n = self.usize(max)?;
        if n > self.left() {
            return Err(Malformed("too short"));
        }
        let out = self.words[self.at..self.at + n].to_vec();
        self.at += n;
        Ok(out)
    }
}
