//! The rows of the link's table (`keys.rs`) for its two bulky payloads, the raw parameters
//! (`params`) and the points (`pts`), both base64url and written last.

use super::base64;
use super::config::Config;
use super::key_read::Raw;
use super::key_rows::preset;
use super::layers_codec::{decode_params, encode_params, n_params};
use super::points_codec::{decode_points, encode_points};
use super::ranges::{CENTER, PARAM, POINTS};
use super::text::quote;
use super::warning::Warnings;

fn most_points() -> usize {
    POINTS.hi as usize
}

// ---- the parameters

pub(crate) fn write_params(c: &Config) -> Option<String> {
    (!c.params.is_empty()).then(|| base64::encode(&encode_params(&c.params)))
}

pub(crate) fn read_params(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("params") else { return };
    let parsed = match base64::decode(raw) {
        Ok(bytes) => decode_params(&bytes),
        Err((_, e)) => Err(format!(
            "invalid character '{}' at {}",
            quote(&e.found.to_string()),
            e.position
        )),
    };
    match parsed {
        Ok(p) => c.params = p,
        Err(e) => r.w.add(
            "params",
            format!("ignored the parameters ({e}); they will be re-initialised from the seed"),
        ),
    }
}

pub(crate) fn params_ok(c: &Config) -> bool {
    c.params.is_empty()
        || (c.params.len() == n_params(&c.kinds) && c.params.iter().all(|&p| PARAM.contains(p)))
}

pub(crate) fn repair_params(c: &mut Config, w: &mut Warnings) {
    if c.params.is_empty() {
        return;
    }
    let need = n_params(&c.kinds);
    if c.params.len() != need {
        w.add(
            "params",
            format!(
                "ignored the parameters: {} values for {} layers that need {need}; they will be re-initialised from the seed",
                c.params.len(),
                c.kinds.len()
            ),
        );
        c.params.clear();
    } else if !c.params.iter().all(|p| p.is_finite()) {
        w.add("params", "ignored the parameters: some are not finite; they will be re-initialised from the seed");
        c.params.clear();
    } else if !c.params.iter().all(|&p| PARAM.contains(p)) {
        w.add(
            "params",
            format!("clamped parameters beyond ±{:e}", PARAM.hi),
        );
        for p in &mut c.params {
            *p = p.clamp(PARAM.lo, PARAM.hi);
        }
    }
}

// ---- the points

fn point_ok(p: &[f64; 2]) -> bool {
    CENTER.contains(p[0]) && CENTER.contains(p[1])
}

/// `pts` is written unless the target is a preset and the points are what it generates (so an
/// untouched preset link stays ~210 characters).
pub(crate) fn write_points(c: &Config) -> Option<String> {
    let preset = preset(c);
    let from_preset = preset.is_some_and(|p| p.n == c.points.len() && p.generate() == c.points);
    if from_preset || (preset.is_none() && c.points.is_empty()) {
        return None;
    }
    // `points_ok` holds (encode repairs first), so no point needs clamping here.
    let (bytes, _clamped) = encode_points(&c.points);
    Some(base64::encode(&bytes))
}

fn regenerate(c: &mut Config) {
    c.points = preset(c).map_or_else(Vec::new, |p| p.generate());
}

pub(crate) fn read_points(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("pts") else {
        regenerate(c);
        return;
    };
    let (bytes, bad_char) = match base64::decode(raw) {
        Ok(b) => (b, None),
        Err((b, e)) => (b, Some(e)),
    };
    let d = decode_points(&bytes, most_points());
    let kept = d.points.len();
    if let Some(e) = bad_char {
        r.w.add(
            "pts",
            format!(
                "the points data has an invalid character '{}' at {}; kept {kept} points before it",
                quote(&e.found.to_string()),
                e.position
            ),
        );
    } else if let Some(problem) = &d.problem {
        r.w.add("pts", format!("{problem}; kept {kept} points"));
    } else if d.declared > kept as u64 {
        r.w.add(
            "pts",
            format!(
                "the link has {} points; kept the first {}",
                d.declared,
                most_points()
            ),
        );
    }
    if d.clamped > 0 {
        r.w.add(
            "pts",
            format!("clamped {} points to the coordinate box", d.clamped),
        );
    }
    if kept == 0 && (bad_char.is_some() || d.problem.is_some()) {
        if let Some(p) = preset(c) {
            r.w.add(
                "pts",
                format!(
                    "used the {} preset's points instead",
                    p.preset.display_name()
                ),
            );
            regenerate(c);
            return;
        }
    }
    c.points = d.points;
}

pub(crate) fn points_ok(c: &Config) -> bool {
    c.points.len() <= most_points() && c.points.iter().all(point_ok)
}

pub(crate) fn repair_points(c: &mut Config, w: &mut Warnings) {
    let before = c.points.len();
    c.points.retain(|p| p[0].is_finite() && p[1].is_finite());
    if c.points.len() < before {
        w.add(
            "pts",
            format!(
                "dropped {} points with non-finite coordinates",
                before - c.points.len()
            ),
        );
    }
    if c.points.len() > most_points() {
        w.add(
            "pts",
            format!(
                "kept the first {} of {} points",
                most_points(),
                c.points.len()
            ),
        );
        c.points.truncate(most_points());
    }
    let outside = c.points.iter().filter(|p| !point_ok(p)).count();
    if outside > 0 {
        w.add(
            "pts",
            format!("clamped {outside} points to the box ±{}", CENTER.hi),
        );
        for p in &mut c.points {
            for v in p.iter_mut() {
                *v = v.clamp(CENTER.lo, CENTER.hi);
            }
        }
    }
}
