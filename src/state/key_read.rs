//! [`Raw`]: a link's `key=value` pairs as written, looked up by the rows of the link's table
//! (`keys.rs`) while they read, and the warnings they leave. Tolerant: a missing,
//! malformed or out-of-range value is `None` with a warning such as
//! `ignored 'lr=abc': not a number`; unknown keys are ignored with a warning; the first of
//! duplicate keys wins; `%XX` escapes are decoded.

use std::borrow::Cow;

use super::ranges::{Real, Whole};
use super::text::{parse_bool, parse_f64, parse_u64, percent_decode, quote};
use super::warning::Warnings;

/// The values of one link, by key (see the module docs).
pub struct Raw<'a> {
    names: Vec<&'static str>,
    vals: Vec<Option<Cow<'a, str>>>,
    /// What reading has ignored so far.
    pub(crate) w: Warnings,
    /// `K` as given (`layers` checks it against its own length).
    pub(crate) k_given: Option<usize>,
}

impl<'a> Raw<'a> {
    /// Splits `s` (a fragment without `#`) into its pairs: values of the keys called `names`;
    /// `retired` keys are dropped silently, any other key with a warning.
    pub(crate) fn collect(
        s: &'a str,
        names: Vec<&'static str>,
        retired: &[&str],
        w: Warnings,
    ) -> Self {
        let mut r = Raw {
            vals: vec![None; names.len()],
            names,
            w,
            k_given: None,
        };
        for pair in s.split('&') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(k);
            let key = key.trim();
            let idx = r
                .names
                .iter()
                .position(|&x| x == key)
                .or_else(|| r.names.iter().position(|x| x.eq_ignore_ascii_case(key)));
            match idx {
                Some(i) if r.vals[i].is_some() => {
                    let name = r.names[i];
                    r.w.add(
                        name,
                        format!("ignored a second '{name}': the first one is used"),
                    );
                }
                Some(i) => r.vals[i] = Some(percent_decode(v)),
                None if retired.iter().any(|x| x.eq_ignore_ascii_case(key)) => {}
                None => {
                    r.w.add("", format!("ignored unknown setting '{}'", quote(pair)))
                }
            }
        }
        r
    }

    /// The value of `key` as written (trimmed), if present.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        let i = self.names.iter().position(|&k| k == key)?;
        self.vals[i].as_deref().map(str::trim)
    }

    /// Warns that the value of `key` was ignored, and why.
    pub(crate) fn ignore(&mut self, key: &str, why: &str) {
        let v = self.get(key).unwrap_or("");
        let msg = format!("ignored '{}={}': {why}", key, quote(v));
        self.w.add(key, msg);
    }

    /// A finite number in `range`.
    pub(crate) fn real(&mut self, key: &str, range: Real) -> Option<f64> {
        let raw = self.get(key)?;
        match parse_f64(raw) {
            None => {
                self.ignore(key, "not a number");
                None
            }
            Some(v) if !range.contains(v) => {
                self.ignore(key, &format!("must be {}", range.describe()));
                None
            }
            Some(v) => Some(v),
        }
    }

    /// An unsigned integer, in `range` if one is given.
    pub(crate) fn uint(&mut self, key: &str, range: Option<Whole>) -> Option<u64> {
        match range {
            Some(r) => self.uint_as(key, r, &r.describe()),
            None => self.uint_as(
                key,
                Whole {
                    lo: 0,
                    hi: u64::MAX,
                },
                "a whole number",
            ),
        }
    }

    /// An unsigned integer in `range`; `what` says what it must be.
    pub(crate) fn uint_as(&mut self, key: &str, range: Whole, what: &str) -> Option<u64> {
        let raw = self.get(key)?;
        match parse_u64(raw) {
            None => {
                self.ignore(key, "not a whole number");
                None
            }
            Some(v) if !range.contains(v) => {
                self.ignore(key, &format!("must be {what}"));
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A named choice read by `parse`.
    pub(crate) fn slug<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        why: &str,
    ) -> Option<T> {
        let raw = self.get(key)?.to_ascii_lowercase();
        let v = parse(&raw);
        if v.is_none() {
            self.ignore(key, why);
        }
        v
    }

    /// A flag (`1`/`0` and the usual spellings).
    pub(crate) fn flag(&mut self, key: &str) -> Option<bool> {
        let raw = self.get(key)?;
        let v = parse_bool(raw);
        if v.is_none() {
            self.ignore(key, "expected 1 or 0");
        }
        v
    }
}
