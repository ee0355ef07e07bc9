//! Summaries for the `#bench` lines: percentiles, rates, the per-part breakdown.

use crate::ui::model::{FrameTimes, Parts};

/// Nearest-rank percentile (`q ∈ (0, 1]`); 0 for an empty sample.
pub fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return 0.0;
    }
    s.sort_by(f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

/// Animation frames per second over the recorded ticks.
pub fn rate(ticks: &[f64]) -> f64 {
    match (ticks.first(), ticks.last()) {
        (Some(a), Some(b)) if b > a => (ticks.len() - 1) as f64 / ((b - a) / 1e3),
        _ => 0.0,
    }
}

/// The median of `v` (0 for none).
pub fn median(v: &[usize]) -> usize {
    let mut s = v.to_vec();
    s.sort_unstable();
    s.get(s.len() / 2).copied().unwrap_or(0)
}

/// Where the recorded frames' time went: a JSON object of each part's p50 and p95 (ms).
pub fn parts_json(times: &FrameTimes) -> String {
    let field = |name: &str, f: fn(&Parts) -> f64| {
        let v: Vec<f64> = times.parts.iter().map(f).collect();
        format!(
            "\"{name}\": [{:.2}, {:.2}]",
            percentile(&v, 0.5),
            percentile(&v, 0.95)
        )
    };
    format!(
        "{{{}, {}, {}, {}, {}, {}}}",
        field("train", |p| p.train),
        field("draw", |p| p.draw),
        field("heat", |p| p.heat),
        field("thumbs", |p| p.thumbs),
        field("chart", |p| p.chart),
        field("save", |p| p.save),
    )
}
