//! Points as CSV: a tolerant importer and an exact exporter.
//!
//! Accepted: an optional header on the first row (columns named `x` and `y` are used wherever
//! they are, e.g. `id,x,y`; any other header uses the first two columns); separators `,`, `;`
//! (then `1,5` reads as 1.5), tab or spaces; quoted fields; blank lines and `#` comments; extra
//! columns are ignored; `\n`, `\r\n` or `\r` line ends. A bad row is reported with its line
//! number and skipped; a file without a single valid row is rejected.

use crate::core::points::COORD_LIMIT;

use super::config::MAX_POINTS;
use super::import::{precheck, ImportError, LineErrors, PointsImport};
use super::text::{fmt_f64, parse_f64, quote};

/// Reads points from CSV text (see the module docs). `Ok` holds the points (at most
/// [`MAX_POINTS`]) and the skipped rows; `Err` if the file is empty, binary, too large or has
/// no valid row.
pub fn parse_points_csv(text: &str) -> Result<PointsImport, ImportError> {
    precheck(text)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Box<dyn Iterator<Item = &str>> = if text.contains('\n') {
        Box::new(text.split('\n'))
    } else {
        Box::new(text.split('\r'))
    };
    let mut points = Vec::new();
    let mut errors = LineErrors::default();
    let mut cols = (0usize, 1usize);
    let mut seen_content = false;
    for (i, raw) in lines.enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = split_fields(line);
        if !seen_content {
            seen_content = true;
            if let Some(c) = header_columns(&fields) {
                cols = c;
                continue;
            }
        }
        match row(&fields, cols) {
            Ok(p) => {
                if points.len() == MAX_POINTS {
                    errors.push(
                        line_no,
                        format!(
                            "more than {MAX_POINTS} points: this row and the rest were skipped"
                        ),
                    );
                    break;
                }
                points.push(p);
            }
            Err(e) => errors.push(line_no, e),
        }
    }
    if points.is_empty() {
        return Err(ImportError::NoPoints {
            first_problem: errors.first(),
        });
    }
    Ok((points, errors.finish()))
}

/// Splits a row on its separator (`,` unless the row has `;`, then tab, then whitespace),
/// trimming fields and their quotes; with `;` a decimal comma becomes a point.
fn split_fields(line: &str) -> Vec<String> {
    let unquote = |f: &str| {
        let f = f.trim();
        let f = f
            .strip_prefix('"')
            .and_then(|g| g.strip_suffix('"'))
            .unwrap_or(f);
        let f = f
            .strip_prefix('\'')
            .and_then(|g| g.strip_suffix('\''))
            .unwrap_or(f);
        f.trim().to_string()
    };
    if line.contains(';') {
        line.split(';')
            .map(|f| unquote(&f.replace(',', ".")))
            .collect()
    } else if line.contains(',') {
        line.split(',').map(unquote).collect()
    } else if line.contains('\t') {
        line.split('\t').map(unquote).collect()
    } else {
        line.split_whitespace().map(unquote).collect()
    }
}

/// If the first row is a header (no field is a number), the columns to read.
fn header_columns(fields: &[String]) -> Option<(usize, usize)> {
    if fields.iter().any(|f| parse_f64(f).is_some()) || fields.len() < 2 {
        return None;
    }
    let find = |name: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(name));
    match (find("x"), find("y")) {
        (Some(x), Some(y)) => Some((x, y)),
        _ => Some((0, 1)),
    }
}

fn row(fields: &[String], (xi, yi): (usize, usize)) -> Result<[f64; 2], String> {
    let need = xi.max(yi) + 1;
    if fields.len() < need || fields.iter().all(|f| f.is_empty()) {
        let found = fields.iter().filter(|f| !f.is_empty()).count();
        return Err(format!(
            "expected x and y, found {found} value{}",
            if found == 1 { "" } else { "s" }
        ));
    }
    let coord = |name: &str, f: &str| -> Result<f64, String> {
        let v = parse_f64(f).ok_or_else(|| {
            if f.is_empty() {
                format!("{name} is missing")
            } else {
                format!("{name} value '{}' is not a number", quote(f))
            }
        })?;
        if v.abs() > COORD_LIMIT {
            return Err(format!("{name} = {} is beyond ±{COORD_LIMIT}", fmt_f64(v)));
        }
        Ok(v)
    };
    Ok([coord("x", &fields[xi])?, coord("y", &fields[yi])?])
}

/// CSV with an `x,y` header and one point per row, numbers in their shortest exact form (so
/// importing the text gives back exactly the same points).
pub fn points_to_csv(points: &[[f64; 2]]) -> String {
    let mut out = String::with_capacity(4 + points.len() * 24);
    out.push_str("x,y\n");
    for p in points {
        out.push_str(&fmt_f64(p[0]));
        out.push(',');
        out.push_str(&fmt_f64(p[1]));
        out.push('\n');
    }
    out
}
