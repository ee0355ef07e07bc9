//! The loss chart: hover readout (nearest recorded step, smoothed value, evaluation) and the
//! plot frame that maps pointer columns to steps, checked on plotters' SVG backend.

#![cfg(not(target_arch = "wasm32"))]
use flow_playground::render::chart::{self, ChartData, PlotArea};
use plotters::prelude::*;

fn data() -> ChartData {
    ChartData {
        train: (0..=100)
            .map(|i| (i as f64 * 10.0, 5.0 - i as f64 * 0.02))
            .collect(),
        eval: (0..=10)
            .map(|i| (i as f64 * 100.0, 4.0 - i as f64 * 0.1))
            .collect(),
        ess: Vec::new(),
        log_x: false,
        floor: Some(2.393),
        train_label: "train NLL".into(),
        eval_label: "held-out NLL".into(),
    }
}

#[test]
fn readout_picks_the_nearest_recorded_step() {
    let d = data();
    // 234 is nearest 230 (train) and 200 (eval).
    let r = chart::readout(&d, 234.0).unwrap();
    assert_eq!(r.step, 230.0);
    let (v, avg) = r.train.unwrap();
    assert!((v - (5.0 - 23.0 * 0.02)).abs() < 1e-12);
    // The smoothed value lags a falling loss: above the raw value, below the first value.
    assert!(avg > v && avg < 5.0, "avg {avg} raw {v}");
    assert_eq!(r.eval, Some((200.0, 3.8)));
    // Ties go to the earlier point; outside the range, the ends.
    assert_eq!(chart::readout(&d, 235.0).unwrap().step, 230.0);
    assert_eq!(chart::readout(&d, -50.0).unwrap().step, 0.0);
    assert_eq!(chart::readout(&d, 1e9).unwrap().step, 1000.0);
    let text = chart::readout_text(&d, &r);
    assert!(text.starts_with("step 230 · train NLL 4.540"), "{text}");
    assert!(text.contains("held-out NLL 3.800 (step 200)"), "{text}");
    assert!(text.contains("floor 2.393"), "{text}");
}

#[test]
fn readout_smoothing_matches_a_hand_computed_average() {
    let d = ChartData {
        train: vec![(1.0, 4.0), (2.0, 2.0), (3.0, 0.0)],
        ..ChartData::default()
    };
    let r = chart::readout(&d, 3.0).unwrap();
    // a₁ = 4; a₂ = 0.95·4 + 0.05·2 = 3.9; a₃ = 0.95·3.9 + 0 = 3.705.
    assert_eq!(r.train.map(|t| t.0), Some(0.0));
    assert!((r.train.unwrap().1 - 3.705).abs() < 1e-12);
    assert_eq!(r.eval, None);
}

#[test]
fn energy_readouts_name_the_effective_sample_size() {
    let d = ChartData {
        train: vec![(100.0, -1.5), (200.0, -1.7)],
        eval: vec![(200.0, -1.84)],
        ess: vec![(200.0, 0.973)],
        floor: Some(-1.8775),
        train_label: "free energy (annealed β)".into(),
        eval_label: "free energy (β = 1)".into(),
        log_x: false,
    };
    let r = chart::readout(&d, 190.0).unwrap();
    let text = chart::readout_text(&d, &r);
    assert!(
        text.contains("free energy (β = 1) -1.840, ESS 97%"),
        "{text}"
    );
}

#[test]
fn readout_of_nothing_is_none() {
    assert!(chart::readout(&ChartData::default(), 10.0).is_none());
    // Evaluations alone still read out.
    let d = ChartData {
        eval: vec![(50.0, -1.8)],
        ..ChartData::default()
    };
    assert_eq!(chart::readout(&d, 0.0).unwrap().step, 50.0);
}

#[test]
fn plot_frame_maps_columns_to_steps_and_back() {
    let f = PlotArea {
        left: 40.0,
        right: 440.0,
        x_max: 2000.0,
        log_x: false,
    };
    assert_eq!(f.step_at(40.0), Some(0.0));
    assert_eq!(f.step_at(440.0), Some(2000.0));
    assert_eq!(f.step_at(240.0), Some(1000.0));
    assert_eq!(f.step_at(10.0), None);
    assert_eq!(f.step_at(500.0), None);
    for s in [0.0, 1.0, 777.0, 2000.0] {
        assert!((f.step_at(f.px_of(s)).unwrap() - s).abs() < 1e-9);
    }
}

#[test]
fn log_step_axis_puts_decades_evenly_and_maps_back() {
    let f = PlotArea {
        left: 0.0,
        right: 400.0,
        x_max: 10_000.0,
        log_x: true,
    };
    // Steps 1, 10, 100, 1000, 10000 sit at 0, 100, 200, 300, 400.
    for (k, s) in [1.0, 10.0, 100.0, 1000.0, 10_000.0].into_iter().enumerate() {
        assert!((f.px_of(s) - 100.0 * k as f64).abs() < 1e-9, "{s}");
        assert!((f.step_at(100.0 * k as f64).unwrap() - s).abs() < 1e-6 * s);
    }
    // Step 0 is drawn with step 1 (a log axis has no 0).
    assert_eq!(f.px_of(0.0), 0.0);
    // The SVG shows decade labels and names the scale.
    let mut svg = String::new();
    let data = ChartData {
        log_x: true,
        train: (1..=3000)
            .map(|i| (i as f64, 3.0 / (i as f64).sqrt()))
            .collect(),
        ..data()
    };
    {
        let area = SVGBackend::with_string(&mut svg, (600, 240)).into_drawing_area();
        chart::draw(&area, &data, 13.0, false).unwrap();
    }
    assert!(svg.contains("step (log scale)"));
    let lines: Vec<&str> = svg.lines().map(str::trim).collect();
    for label in ["1", "10", "100", "1000"] {
        assert!(lines.contains(&label), "decade label {label}");
    }
}

#[test]
fn drawn_frame_lies_inside_the_canvas_and_matches_the_axis() {
    let mut svg = String::new();
    let frame = {
        let area = SVGBackend::with_string(&mut svg, (600, 240)).into_drawing_area();
        chart::draw(&area, &data(), 13.0, false).unwrap()
    };
    assert!(frame.left > 0.0 && frame.left < frame.right && frame.right < 600.0);
    assert_eq!(frame.x_max, 1000.0);
    // The y-axis labels sit left of the plot; the legend names both series.
    assert!(svg.contains("train NLL") && svg.contains("held-out NLL"));
    assert!(svg.contains("floor 2.393"));
    // The plot spans most of the width.
    assert!(frame.right - frame.left > 400.0, "{frame:?}");
}

#[test]
fn the_sparkline_fits_its_box_and_falls_with_the_loss() {
    use flow_playground::render::chart::{sparkline, ChartData};
    // A loss that decays from 3 to 1 over 2,000 steps, evaluated every 100, floor 0.9.
    let data = ChartData {
        train: (0..2000)
            .map(|s| (s as f64, 1.0 + 2.0 * (-(s as f64) / 300.0).exp()))
            .collect(),
        eval: (1..20)
            .map(|i| (i as f64 * 100.0, 1.0 + 2.0 * (-(i as f64) / 3.0).exp()))
            .collect(),
        floor: Some(0.9),
        ..ChartData::default()
    };
    let (w, h) = (160.0, 32.0);
    let s = sparkline(&data, w, h);
    assert!(
        !s.train.is_empty() && s.train.len() <= w as usize,
        "{}",
        s.train.len()
    );
    for p in s.train.iter().chain(&s.eval) {
        assert!(
            (0.0..=w).contains(&p[0]) && (0.0..=h).contains(&p[1]),
            "{p:?}"
        );
    }
    assert!(s.train.windows(2).all(|q| q[1][0] > q[0][0]), "x increases");
    // Pixel y grows downwards: a falling loss ends lower on screen than... higher y.
    assert!(s.train.last().unwrap()[1] > s.train[s.train.len() / 10][1]);
    let floor = s.floor.expect("the floor is in range");
    assert!(
        s.train.iter().all(|p| p[1] <= floor + 1e-9),
        "the loss stays above its floor"
    );
    // No data: nothing to draw, no NaN.
    let empty = sparkline(&ChartData::default(), w, h);
    assert!(empty.train.is_empty() && empty.eval.is_empty());
}
