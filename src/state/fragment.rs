//! The URL fragment: [`encode`] a [`Config`] as readable `key=value&…` pairs, and [`decode`]
//! any text back into the best valid config plus plain-text warnings.
//!
//! Both follow the table of keys, [`super::keys::KEYS`]: encoding writes its rows in order,
//! decoding reads them in the same order. Decoding is tolerant: a missing, malformed or
//! out-of-range value keeps its default with a warning such as `ignored 'lr=abc': not a number`.
//! Unknown keys are ignored with a warning; the first of duplicate keys wins. `%XX` escapes are
//! decoded; a full URL is accepted (everything up to the first `#` is skipped).
//!
//! **Bounded work.** Input past [`MAX_DECODE_INPUT`] bytes is cut (at the last `&` before the
//! limit) with a warning; at most [`MAX_POINTS`](crate::state::MAX_POINTS) points and
//! [`MAX_LAYERS`](crate::state::MAX_LAYERS) layers are read;
//! warnings are capped. Everything else is linear in the input, so any input decodes in
//! milliseconds.
//!
//! **Size.** [`MAX_URL_FRAGMENT`] = 60,000 characters is the longest fragment offered as a link:
//! it stays below Firefox's 65,536-character address-bar limit and Safari's ~80,000, far below
//! Chrome's 2 MB; the fragment is never sent to a server, so server limits (~8 KB) do not apply.
//! Longer states (e.g. 20,000 points, or a trained stack of more than four affine or two spline
//! coupling layers, whose conditioners are 12,648 / 20,040 characters each) should be saved as a
//! file: the file holds the same text, and [`decode`] reads it back (it accepts up to
//! [`MAX_DECODE_INPUT`], enough for the largest valid state). [`LinkFit::message`] says which
//! part made the link too long.

use super::config::Config;
use super::key_read::Raw;
use super::keys::{names, KEYS, RETIRED};
use super::numtext::thousands;
use super::text::prefix_at_most;
use super::warning::{Warning, Warnings};

/// Longest fragment offered as a shareable link (characters); see the module docs.
pub const MAX_URL_FRAGMENT: usize = 60_000;
/// Longest input [`decode`] reads (bytes); the rest is ignored with a warning. 2 MiB: the
/// largest valid state — 64 spline coupling layers' parameters (120,256 values, 1,282,731
/// characters) plus 20,000 points — is ~1.4 million characters, and a state saved as a file
/// must read back whole.
pub const MAX_DECODE_INPUT: usize = 2 << 20;

/// The fragment for `config` (without the leading `#`). An invalid config is first repaired
/// as by [`Config::sanitize`]; use [`encode_with_warnings`] to learn what was repaired.
pub fn encode(config: &Config) -> String {
    encode_with_warnings(config).0
}

/// [`encode`], plus what had to be repaired (e.g. points outside the box clamped).
pub fn encode_with_warnings(config: &Config) -> (String, Vec<Warning>) {
    let mut w = Warnings::default();
    let repaired;
    let c = if config.check().is_ok() {
        config
    } else {
        let mut copy = config.clone();
        copy.sanitize_into(&mut w);
        repaired = copy;
        &repaired
    };
    let mut out = String::with_capacity(256 + c.points.len() * 5 + c.params.len() * 11);
    for key in &KEYS {
        if let Some(v) = (key.write)(c) {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(key.name);
            out.push('=');
            out.push_str(&v);
        }
    }
    (out, w.finish())
}

/// Length in characters of [`encode`]`(config)`.
pub fn encoded_len(config: &Config) -> usize {
    encode(config).len()
}

/// Whether a fragment can be offered as a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkFit {
    /// Short enough for a link.
    Fits {
        /// Fragment length in characters.
        len: usize,
    },
    /// Longer than [`MAX_URL_FRAGMENT`]: offer a file export instead.
    TooLong {
        /// Fragment length in characters.
        len: usize,
        /// Characters of it taken by the raw parameters (`params` value).
        params_len: usize,
    },
}

impl LinkFit {
    /// True for [`LinkFit::Fits`].
    pub fn fits(&self) -> bool {
        matches!(self, LinkFit::Fits { .. })
    }

    /// A plain-text explanation when the state is too long for a link.
    pub fn message(&self) -> Option<String> {
        match *self {
            LinkFit::Fits { .. } => None,
            LinkFit::TooLong { len, params_len } if 2 * params_len > len => Some(format!(
                "This state needs a {}-character link, more than the {} that browsers reliably accept; \
                 {} of them are the layers' trained parameters (a coupling layer carries its whole \
                 conditioner network: 1,186 or 1,879 numbers). Export it as a file instead.",
                thousands(len),
                thousands(MAX_URL_FRAGMENT),
                thousands(params_len)
            )),
            LinkFit::TooLong { len, .. } => Some(format!(
                "This state needs a {}-character link, more than the {} that browsers reliably accept. \
                 Export it as a file instead (fewer points make the link shorter).",
                thousands(len),
                thousands(MAX_URL_FRAGMENT)
            )),
        }
    }
}

/// Whether `fragment` (as from [`encode`]) fits in a shareable link.
pub fn link_fit(fragment: &str) -> LinkFit {
    let len = fragment.len();
    if len <= MAX_URL_FRAGMENT {
        LinkFit::Fits { len }
    } else {
        let params_len = fragment
            .split('&')
            .find_map(|pair| pair.strip_prefix("params="))
            .map_or(0, str::len);
        LinkFit::TooLong { len, params_len }
    }
}

/// The best valid config `fragment` describes, and what was ignored. Never fails, never panics;
/// the returned config always satisfies [`Config::check`]. Accepts a bare fragment, one starting
/// with `#`, or a whole URL.
pub fn decode(fragment: &str) -> (Config, Vec<Warning>) {
    let mut w = Warnings::default();
    let mut s = match fragment.find('#') {
        Some(i) => &fragment[i + 1..],
        None => fragment,
    };
    if s.len() > MAX_DECODE_INPUT {
        w.add(
            "",
            format!(
                "the link is {} characters long; only the first {} were read",
                thousands(s.len()),
                thousands(MAX_DECODE_INPUT)
            ),
        );
        s = prefix_at_most(s, MAX_DECODE_INPUT);
        if let Some(j) = s.rfind('&') {
            s = &s[..j];
        }
    }
    let mut r = Raw::collect(s, names().collect(), &RETIRED, w);
    let mut c = Config::default();
    for key in &KEYS {
        (key.read)(&mut c, &mut r);
    }
    c.sanitize_into(&mut r.w);
    (c, r.w.finish())
}
