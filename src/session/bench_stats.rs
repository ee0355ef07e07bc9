//! The numbers behind every `#bench` line (`ui::bench` formats them): nearest-rank percentiles
//! of frame times, frame rates from animation-frame timestamps, the median grid size. Pure, so
//! `cargo test` checks the p95 each published line quotes.

/// Nearest-rank percentile (`q ∈ (0, 1]`) of the finite values of `v` (NaN and infinities are
/// left out); 0 when none is finite. The value at rank `⌈q·n⌉` (at least 1) of the sorted sample.
pub fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return 0.0;
    }
    crate::core::num::sort_f64(&mut s);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

/// Animation frames per second over timestamps `ticks` (ms, ascending): intervals over elapsed
/// seconds; 0 with fewer than two ticks or no time elapsed.
pub fn rate(ticks: &[f64]) -> f64 {
    match (ticks.first(), ticks.last()) {
        (Some(a), Some(b)) if b > a => (ticks.len() - 1) as f64 / ((b - a) / 1e3),
        _ => 0.0,
    }
}

/// The median of `v`: the upper middle value for an even count (0 for none).
pub fn median(v: &[usize]) -> usize {
    // Through the float sort (grid sizes are exact in f64): one sorting routine in the bundle.
    let mut s: Vec<f64> = v.iter().map(|&x| x as f64).collect();
    crate::core::num::sort_f64(&mut s);
    s.get(s.len() / 2).map_or(0, |&x| x as usize)
}

/// The frame-time fields of a `#bench` line: `"frame_ms_p50"`, `"frame_ms_p95"` (the
/// animation-frame callback's own work, `work_ms`) and beside them `"frame_interval_ms_p50"`,
/// `"frame_interval_ms_p95"` (animation frame to animation frame, `interval_ms`: what the page's
/// frame rate is, the browser's rendering included). Two decimals each.
pub fn frame_fields(work_ms: &[f64], interval_ms: &[f64]) -> String {
    format!(
        "\"frame_ms_p50\": {:.2}, \"frame_ms_p95\": {:.2}, \"frame_interval_ms_p50\": {:.2}, \"frame_interval_ms_p95\": {:.2}",
        percentile(work_ms, 0.5),
        percentile(work_ms, 0.95),
        percentile(interval_ms, 0.5),
        percentile(interval_ms, 0.95),
    )
}
