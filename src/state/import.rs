//! What importing a file can report: per-row problems ([`LineError`], the row is skipped) and
//! whole-file rejections ([`ImportError`]); the checks every importer runs first (size, empty,
//! binary); format sniffing; and merging imported points into a drawing without losing it.
//!
//! All messages are plain text; user text inside them is quoted with
//! [`quote`](crate::state::text::quote).

use std::fmt;

use super::config::MAX_POINTS;
use super::numtext::thousands;
use super::warning::Warning;

/// Largest file an importer reads (bytes). 20,000 points take well under 1 MB as CSV.
pub const MAX_IMPORT_BYTES: usize = 8 << 20;
/// At most this many row problems are listed; one last entry counts the rest.
pub const MAX_LINE_ERRORS: usize = 50;

/// A row (CSV line, or JSON array element) that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the file.
    pub line: usize,
    /// What was wrong (plain text).
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A file that could not be imported at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file is empty or only whitespace and comments.
    Empty,
    /// The file exceeds [`MAX_IMPORT_BYTES`].
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
    },
    /// The file is not text (NUL bytes, many control or undecodable characters).
    Binary,
    /// Text, but not one usable point in it.
    NoPoints {
        /// The first problem found, if any.
        first_problem: Option<LineError>,
    },
    /// JSON that cannot be read (syntax error before any usable content).
    BadJson {
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Valid JSON (or text) that is not a usable model.
    BadModel(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Empty => f.write_str("The file is empty."),
            ImportError::TooLarge { bytes } => write!(
                f,
                "The file is {} bytes; files up to {} bytes can be imported.",
                thousands(*bytes),
                thousands(MAX_IMPORT_BYTES)
            ),
            ImportError::Binary => f.write_str("This is not a text file; expected CSV or JSON points (x, y)."),
            ImportError::NoPoints { first_problem: None } => {
                f.write_str("No points found; expected CSV rows \"x,y\" or a JSON list of [x, y] pairs.")
            }
            ImportError::NoPoints { first_problem: Some(e) } => write!(
                f,
                "No valid points found; expected CSV rows \"x,y\" or a JSON list of [x, y] pairs (first problem: {e})."
            ),
            ImportError::BadJson { line, column, message } => {
                write!(f, "Not valid JSON: line {line}, column {column}: {message}.")
            }
            ImportError::BadModel(m) => write!(f, "Not a usable model: {m}."),
        }
    }
}

impl std::error::Error for ImportError {}

/// Rejects a file that is too large, empty or binary.
pub(crate) fn precheck(text: &str) -> Result<(), ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: text.len() });
    }
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(ImportError::Empty);
    }
    if looks_binary(text) {
        return Err(ImportError::Binary);
    }
    Ok(())
}

/// True if the first 4,096 characters contain a NUL, or more than 5 % control characters
/// (other than tab, newlines and form feed) or `�` (bytes that were not valid UTF-8).
pub fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(4096) {
        if c == '\0' {
            return true;
        }
        total += 1;
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) || c == '\u{fffd}' {
            bad += 1;
        }
    }
    bad * 20 > total
}

/// Collects row problems up to [`MAX_LINE_ERRORS`], then counts the rest.
#[derive(Default)]
pub(crate) struct LineErrors {
    list: Vec<LineError>,
    more: usize,
    first: Option<LineError>,
}

impl LineErrors {
    pub(crate) fn push(&mut self, line: usize, message: impl Into<String>) {
        let e = LineError {
            line,
            message: message.into(),
        };
        if self.first.is_none() {
            self.first = Some(e.clone());
        }
        if self.list.len() < MAX_LINE_ERRORS {
            self.list.push(e);
        } else {
            self.more += 1;
        }
    }

    pub(crate) fn first(&self) -> Option<LineError> {
        self.first.clone()
    }

    pub(crate) fn finish(mut self) -> Vec<LineError> {
        if self.more > 0 {
            let line = self.list.last().map_or(0, |e| e.line);
            self.list.push(LineError {
                line,
                message: format!("… and {} more rows skipped", self.more),
            });
        }
        self.list
    }
}

/// Imported points and the rows that were skipped.
pub type PointsImport = (Vec<[f64; 2]>, Vec<LineError>);

/// Whether imported points join or replace the current ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    /// Keep what is drawn and add the imported points after it (the default: nothing is lost).
    Append,
    /// Replace what is drawn (only when the user chose to).
    Replace,
}

/// The points after an import, capped at [`MAX_POINTS`] (with a warning if some were left out).
pub fn merge_points(
    existing: &[[f64; 2]],
    imported: &[[f64; 2]],
    mode: ImportMode,
) -> (Vec<[f64; 2]>, Option<Warning>) {
    let mut out: Vec<[f64; 2]> = match mode {
        ImportMode::Append => existing.to_vec(),
        ImportMode::Replace => Vec::new(),
    };
    out.truncate(MAX_POINTS);
    let room = MAX_POINTS - out.len();
    out.extend_from_slice(&imported[..imported.len().min(room)]);
    let warning = (imported.len() > room).then(|| {
        Warning::new(
            "pts",
            format!(
                "only {} of the {} imported points were added: at most {} points in all",
                thousands(room),
                thousands(imported.len()),
                thousands(MAX_POINTS)
            ),
        )
    });
    (out, warning)
}
