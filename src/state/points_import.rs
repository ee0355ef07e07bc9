//! Points from a file of either format: JSON if the first non-blank character is `[` or `{`,
//! else CSV.

use super::csv::parse_points_csv;
use super::import::{ImportError, PointsImport};
use super::points_json::parse_points_json;

/// Imports points from CSV or JSON, choosing by content (JSON if the first non-blank character
/// is `[` or `{`).
pub fn parse_points(text: &str) -> Result<PointsImport, ImportError> {
    let first = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next();
    if matches!(first, Some('[' | '{')) {
        parse_points_json(text)
    } else {
        parse_points_csv(text)
    }
}
