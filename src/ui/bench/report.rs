//! The per-part breakdown of the `#bench` lines (the statistics are the pure
//! `session::bench_stats`).

use crate::session::bench_stats::percentile;
use crate::ui::context::{FrameTimes, Parts};

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
