//! Points as JSON: a tolerant importer and an exact exporter.
//!
//! Accepted shapes: `[[x, y], …]`, `[{"x": …, "y": …}, …]` (the two may be mixed), or either
//! inside `{"points": […]}`. Numbers may also be given as numeric strings; extra array items or
//! object members are ignored. A bad element is reported with its line and index and skipped.
//! A syntax error after some good elements keeps them and reports where reading stopped (a
//! truncated file still imports its first part); a syntax error before any element rejects the
//! file.

use crate::core::points::COORD_LIMIT;

use super::config::MAX_POINTS;
use super::import::{precheck, ImportError, LineErrors, PointsImport};
use super::json::{num, Json, JsonError, Parser};
use super::text::{fmt_f64, line_col, LineCounter};

/// Reads points from JSON text (see the module docs).
pub fn parse_points_json(text: &str) -> Result<PointsImport, ImportError> {
    precheck(text)?;
    let mut p = Parser::new(text);
    let bad_json = |e: JsonError| {
        let (line, column) = line_col(text, e.pos);
        ImportError::BadJson {
            line,
            column,
            message: e.msg,
        }
    };
    match p.peek() {
        Some(b'[') => {}
        Some(b'{') => {
            // Walk the object's members up to "points".
            p.expect(b'{').map_err(bad_json)?;
            loop {
                if p.peek() == Some(b'}') {
                    return Err(ImportError::NoPoints {
                        first_problem: None,
                    });
                }
                let key = p.string().map_err(bad_json)?;
                p.expect(b':').map_err(bad_json)?;
                if key == "points" && p.peek() == Some(b'[') {
                    break;
                }
                p.value().map_err(bad_json)?;
                match p.peek() {
                    Some(b',') => p.expect(b',').map_err(bad_json)?,
                    _ => {
                        p.expect(b'}').map_err(bad_json)?;
                        return Err(ImportError::NoPoints {
                            first_problem: None,
                        });
                    }
                }
            }
        }
        _ => {
            return Err(ImportError::BadJson {
                line: 1,
                column: 1,
                message: "expected a list of points, '[' or '{'".into(),
            })
        }
    }
    read_array(text, &mut p, bad_json)
}

/// Streams the elements of the array under the cursor.
fn read_array(
    text: &str,
    p: &mut Parser<'_>,
    bad_json: impl Fn(JsonError) -> ImportError,
) -> Result<PointsImport, ImportError> {
    let mut points = Vec::new();
    let mut errors = LineErrors::default();
    p.expect(b'[').map_err(&bad_json)?;
    let mut index = 0usize;
    let mut lines = LineCounter::new(text);
    if p.peek() == Some(b']') {
        return Err(ImportError::NoPoints {
            first_problem: None,
        });
    }
    loop {
        p.skip_ws();
        let start = p.i;
        let line = lines.line_at(start);
        match p.value() {
            Ok(v) => match element(&v) {
                Ok(_) if points.len() == MAX_POINTS => {
                    errors.push(line, format!("more than {MAX_POINTS} points: element {index} and the rest were skipped"));
                    break;
                }
                Ok(pt) => points.push(pt),
                Err(e) => errors.push(line, format!("element {index}: {e}")),
            },
            Err(e) => {
                if points.is_empty() {
                    return Err(bad_json(e));
                }
                let (l, c) = line_col(text, e.pos);
                errors.push(
                    l,
                    format!(
                        "JSON error at column {c}: {}; element {index} and the rest were skipped",
                        e.msg
                    ),
                );
                break;
            }
        }
        index += 1;
        match p.peek() {
            Some(b',') => p.i += 1,
            Some(b']') => break,
            other => {
                let (l, c) = line_col(text, p.i);
                let found = if other.is_none() {
                    "the end of the file".to_string()
                } else {
                    "another character".into()
                };
                if points.is_empty() {
                    return Err(ImportError::BadJson {
                        line: l,
                        column: c,
                        message: format!("expected ',' or ']' but found {found}"),
                    });
                }
                errors.push(l, format!("JSON error at column {c}: expected ',' or ']' but found {found}; the rest was skipped"));
                break;
            }
        }
    }
    if points.is_empty() {
        return Err(ImportError::NoPoints {
            first_problem: errors.first(),
        });
    }
    Ok((points, errors.finish()))
}

/// One element as a point, or why not.
fn element(v: &Json) -> Result<[f64; 2], String> {
    let (x, y) = match v {
        Json::Arr(items) if items.len() >= 2 => (&items[0], &items[1]),
        Json::Arr(items) => {
            return Err(format!("expected [x, y], found {} number(s)", items.len()))
        }
        Json::Obj(_) => match (v.get("x"), v.get("y")) {
            (Some(x), Some(y)) => (x, y),
            _ => return Err("expected an object with \"x\" and \"y\"".into()),
        },
        other => {
            return Err(format!(
                "expected [x, y] or {{\"x\": …, \"y\": …}}, found {}",
                other.type_name()
            ))
        }
    };
    let coord = |name: &str, j: &Json| -> Result<f64, String> {
        let v = j
            .as_f64()
            .ok_or_else(|| format!("{name} is {}, not a number", j.type_name()))?;
        if !v.is_finite() {
            return Err(format!("{name} is not a finite number"));
        }
        if v.abs() > COORD_LIMIT {
            return Err(format!("{name} = {} is beyond ±{COORD_LIMIT}", fmt_f64(v)));
        }
        Ok(v)
    };
    Ok([coord("x", x)?, coord("y", y)?])
}

/// `[[x, y], …]`, one point per line, numbers in their shortest exact form (importing the text
/// gives back exactly the same points).
pub fn points_to_json(points: &[[f64; 2]]) -> String {
    let mut out = String::with_capacity(4 + points.len() * 26);
    out.push('[');
    for (i, p) in points.iter().enumerate() {
        out.push_str(if i == 0 { "\n  [" } else { ",\n  [" });
        out.push_str(&num(p[0]));
        out.push_str(", ");
        out.push_str(&num(p[1]));
        out.push(']');
    }
    out.push_str(if points.is_empty() { "]\n" } else { "\n]\n" });
    out
}
