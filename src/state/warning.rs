//! Plain-text warnings: what a decoder or an importer ignored, and why.
//!
//! Every user-supplied fragment quoted in a message is shortened and stripped of control
//! characters by [`crate::state::text::quote`], so a warning is always short, printable plain
//! text. The UI must still insert it as text (never as HTML).

use std::fmt;

/// At most this many warnings are kept; further ones are counted into one last summary line,
/// so an enormous hostile input cannot produce an enormous notice.
pub const MAX_WARNINGS: usize = 20;

/// Something that was ignored or repaired while reading a link or a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The fragment key concerned (`"lr"`, `"pts"` …), or `""` for the input as a whole.
    pub key: String,
    /// The full message, plain text, e.g. `ignored 'lr=abc': not a number`.
    pub message: String,
}

impl Warning {
    /// A warning about `key` with a ready-made message.
    pub fn new(key: &str, message: impl Into<String>) -> Self {
        Warning {
            key: key.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Collects warnings up to [`MAX_WARNINGS`], then only counts them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<Warning>,
    dropped: usize,
}

impl Warnings {
    /// Records a warning (or counts it once the list is full).
    pub(crate) fn push(&mut self, w: Warning) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(w);
        } else {
            self.dropped += 1;
        }
    }

    /// Shorthand for `push(Warning::new(key, message))`.
    pub(crate) fn add(&mut self, key: &str, message: impl Into<String>) {
        self.push(Warning::new(key, message));
    }

    /// The warnings, with a final "… and N more" line if some were only counted.
    pub(crate) fn finish(mut self) -> Vec<Warning> {
        if self.dropped > 0 {
            let s = if self.dropped == 1 { "" } else { "s" };
            self.list.push(Warning::new(
                "",
                format!("… and {} more problem{s} ignored", self.dropped),
            ));
        }
        self.list
    }
}

/// One plain-text notice for the UI, or `None` when nothing was ignored:
/// `"Some settings in this link were ignored:\n• ignored 'lr=abc': not a number\n…"`.
pub fn notice(warnings: &[Warning]) -> Option<String> {
    if warnings.is_empty() {
        return None;
    }
    let mut s = String::from("Some of this link could not be used; the rest was loaded:");
    for w in warnings {
        s.push_str("\n• ");
        s.push_str(&w.message);
    }
    Some(s)
}
