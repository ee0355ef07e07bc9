//! The statistics behind every `#bench` line (`session::bench_stats`), against values computed
//! by hand: nearest-rank percentiles (rank `⌈q·n⌉` of the sorted sample), NaN and infinities left
//! out, empty samples, frame rates and medians.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::session::bench_stats::{frame_fields, median, percentile, rate};

#[test]
fn nearest_rank_percentiles_of_ten_values() {
    // Sorted: 1 2 3 4 5 6 7 8 9 10 (given shuffled). p50: rank ⌈5⌉ = 5 → 5; p95: rank ⌈9.5⌉ = 10
    // → 10; p90: rank 9 → 9; p10: rank 1 → 1; p11: rank ⌈1.1⌉ = 2 → 2.
    let v = [7.0, 3.0, 10.0, 1.0, 9.0, 2.0, 5.0, 8.0, 4.0, 6.0];
    assert_eq!(percentile(&v, 0.5), 5.0);
    assert_eq!(percentile(&v, 0.95), 10.0);
    assert_eq!(percentile(&v, 0.9), 9.0);
    assert_eq!(percentile(&v, 0.1), 1.0);
    assert_eq!(percentile(&v, 0.11), 2.0);
    assert_eq!(percentile(&v, 1.0), 10.0);
}

#[test]
fn p95_of_twenty_frames_is_the_nineteenth() {
    // 20 frames of 1..=20 ms: rank ⌈0.95·20⌉ = 19 → 19 ms (not the maximum, not interpolated).
    let v: Vec<f64> = (1..=20).rev().map(f64::from).collect();
    assert_eq!(percentile(&v, 0.95), 19.0);
    // 21 frames: rank ⌈19.95⌉ = 20.
    let v: Vec<f64> = (1..=21).map(f64::from).collect();
    assert_eq!(percentile(&v, 0.95), 20.0);
    // Three values: p50 is rank ⌈1.5⌉ = 2, the middle one.
    assert_eq!(percentile(&[30.0, 10.0, 20.0], 0.5), 20.0);
}

#[test]
fn percentile_leaves_out_nan_and_infinities() {
    // Finite values 4 8 15 16: p50 rank 2 → 8; p95 rank ⌈3.8⌉ = 4 → 16. A NaN sorted last (as
    // total_cmp does) or counted in n would give other answers.
    let v = [
        16.0,
        f64::NAN,
        4.0,
        f64::INFINITY,
        15.0,
        f64::NEG_INFINITY,
        8.0,
        f64::NAN,
    ];
    assert_eq!(percentile(&v, 0.5), 8.0);
    assert_eq!(percentile(&v, 0.95), 16.0);
    assert_eq!(percentile(&v, 0.25), 4.0);
}

#[test]
fn percentile_of_nothing_finite_is_zero() {
    assert_eq!(percentile(&[], 0.95), 0.0);
    assert_eq!(percentile(&[f64::NAN, f64::INFINITY], 0.5), 0.0);
    // One value is every percentile.
    assert_eq!(percentile(&[3.25], 0.01), 3.25);
    assert_eq!(percentile(&[3.25], 0.95), 3.25);
}

#[test]
fn percentile_of_negative_and_repeated_values() {
    let v = [-1.0, -1.0, 2.0, 2.0, 2.0];
    // rank ⌈2.5⌉ = 3 → 2; rank ⌈0.4·5⌉ = 2 → −1.
    assert_eq!(percentile(&v, 0.5), 2.0);
    assert_eq!(percentile(&v, 0.4), -1.0);
}

#[test]
fn rate_is_intervals_over_elapsed_seconds() {
    // 61 ticks 1000/60 ms apart: 60 intervals in 1 s.
    let ticks: Vec<f64> = (0..=60).map(|i| 100.0 + i as f64 * 1000.0 / 60.0).collect();
    assert!((rate(&ticks) - 60.0).abs() < 1e-9, "{}", rate(&ticks));
    // 3 ticks over 0.5 s: 2 intervals → 4 per second.
    assert_eq!(rate(&[0.0, 100.0, 500.0]), 4.0);
    // Nothing elapsed, one tick, none: 0.
    assert_eq!(rate(&[5.0, 5.0]), 0.0);
    assert_eq!(rate(&[5.0]), 0.0);
    assert_eq!(rate(&[]), 0.0);
}

#[test]
fn median_is_the_middle_of_the_sorted_sample() {
    assert_eq!(median(&[256, 192, 224]), 224);
    // Even count: the upper middle (index n/2 of the sorted sample).
    assert_eq!(median(&[32, 64, 128, 96]), 96);
    assert_eq!(median(&[7]), 7);
    assert_eq!(median(&[]), 0);
}

#[test]
fn frame_fields_report_work_and_interval_percentiles_side_by_side() {
    // Work 1..=20 ms (p50 rank 10 → 10, p95 rank 19 → 19); intervals 16.7 ms but for one
    // dropped frame of 33.4 and the loop's first frame (NaN, left out): 20 finite values, p50
    // rank 10 → 16.7, p95 rank 19 → 16.7; with two dropped frames p95 is 33.4.
    let work: Vec<f64> = (1..=20).map(f64::from).collect();
    let mut interval = vec![16.7; 19];
    interval.push(33.4);
    interval.insert(0, f64::NAN);
    let f = frame_fields(&work, &interval);
    assert_eq!(
        f,
        "\"frame_ms_p50\": 10.00, \"frame_ms_p95\": 19.00, \
         \"frame_interval_ms_p50\": 16.70, \"frame_interval_ms_p95\": 16.70"
    );
    interval[1] = 33.4;
    assert!(frame_fields(&work, &interval).ends_with("\"frame_interval_ms_p95\": 33.40"));
    // No frames: zeros, still valid JSON numbers.
    assert_eq!(
        frame_fields(&[], &[]),
        "\"frame_ms_p50\": 0.00, \"frame_ms_p95\": 0.00, \
         \"frame_interval_ms_p50\": 0.00, \"frame_interval_ms_p95\": 0.00"
    );
}
