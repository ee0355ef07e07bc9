//! The loss chart: hover readout (nearest recorded step, smoothed value, evaluation) and the
//! plot frame that maps pointer columns to steps; the layout (ticks, labels, series, legend) checked
//! against values worked out by hand.

#![cfg(not(target_arch = "wasm32"))]
use flow_playground::render::chart::{self, Anchor, ChartData, PlotArea, Scene};

/// A fixed-pitch stand-in for the canvas's text measure: 0.6 em per character.
fn lay(data: &ChartData, w: f64, h: f64, dark: bool) -> Scene {
    chart::layout(data, w, h, 13.0, dark, &|t: &str| {
        0.6 * 13.0 * t.chars().count() as f64
    })
}

fn texts(s: &Scene) -> Vec<&str> {
    s.labels.iter().map(|l| l.text.as_str()).collect()
}

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
    // The layout labels the decades at those columns and names the scale.
    let data = ChartData {
        log_x: true,
        train: (1..=3000)
            .map(|i| (i as f64, 3.0 / (i as f64).sqrt()))
            .collect(),
        ..data()
    };
    let s = lay(&data, 600.0, 240.0, false);
    assert!(texts(&s).contains(&"step (log scale)"));
    for (k, label) in ["1", "10", "100", "1000"].into_iter().enumerate() {
        let l = s.labels.iter().find(|l| l.text == label).expect(label);
        assert_eq!(l.anchor, Anchor::Center);
        let want = s.plot.px_of(10f64.powi(k as i32));
        assert!(
            (l.at[0] - want).abs() < 1e-9,
            "decade label {label} at {}",
            l.at[0]
        );
    }
    // No other x labels (log10 3000 = 3.48: the decades are the only whole numbers).
    assert!(!texts(&s).contains(&"10000") && !texts(&s).contains(&"0"));
}

#[test]
fn nice_ticks_are_one_two_five_steps() {
    let (v, step) = chart::ticks(0.0, 1000.0, 5);
    // 200 would give 6 ticks, 500 gives 3.
    assert_eq!(step, 500.0);
    assert_eq!(v, vec![0.0, 500.0, 1000.0]);
    let (v, step) = chart::ticks(2.33, 2.97, 5);
    assert!((step - 0.2).abs() < 1e-12);
    let want = [2.4, 2.6, 2.8];
    assert_eq!(v.len(), 3);
    for (a, b) in v.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{v:?}");
    }
    // 0..23,500: spacing 5,000 (10,000 gives 3, 2,000 gives 12).
    let (v, step) = chart::ticks(0.0, 23_500.0, 5);
    assert_eq!(step, 5000.0);
    assert_eq!(v, vec![0.0, 5000.0, 10_000.0, 15_000.0, 20_000.0]);
    // Degenerate ranges give nothing.
    assert!(chart::ticks(1.0, 1.0, 5).0.is_empty());
    assert!(chart::ticks(0.0, f64::NAN, 5).0.is_empty());
    assert_eq!(
        chart::multiples(-0.5, 0.5, 0.25),
        vec![-0.5, -0.25, 0.0, 0.25, 0.5]
    );
}

#[test]
fn layout_places_labels_series_and_legend() {
    let d = data();
    let s = lay(&d, 600.0, 240.0, false);
    let f = s.plot;
    // Margins: 0.6 em all round, 3.6 em of y labels on the left.
    assert!((f.left - 13.0 * 4.2).abs() < 1e-9 && (f.right - (600.0 - 13.0 * 0.6)).abs() < 1e-9);
    assert_eq!(f.x_max, 1000.0);
    // x labels 0, 500, 1000 centred under their columns.
    for (label, step) in [("0", 0.0), ("500", 500.0), ("1000", 1000.0)] {
        let l = s.labels.iter().find(|l| l.text == label).expect(label);
        assert!((l.at[0] - f.px_of(step)).abs() < 1e-9);
        assert!(l.at[1] > 240.0 - 13.0 * 2.8 && l.at[1] < 240.0);
    }
    // y labels with two decimals, right-aligned left of the plot, higher values higher up.
    let ys: Vec<_> = s
        .labels
        .iter()
        .filter(|l| l.anchor == Anchor::Right)
        .collect();
    assert!(ys.len() >= 3 && ys.len() <= 5, "{ys:?}");
    for l in &ys {
        assert!(l.at[0] < f.left);
        assert_eq!(
            l.text.split('.').nth(1).map(str::len),
            Some(2),
            "{}",
            l.text
        );
    }
    for w in ys.windows(2) {
        assert!(w[0].text.parse::<f64>().unwrap() < w[1].text.parse::<f64>().unwrap());
        assert!(w[0].at[1] > w[1].at[1]);
    }
    // Series: raw training loss (faint), its average, the evaluations, the dashed floor.
    let blue = |a: f64| chart::Rgba(0, 114, 178, a);
    let raw = s.strokes.iter().find(|t| t.color == blue(0.25)).unwrap();
    assert_eq!(raw.pts.len(), d.train.len());
    assert!((raw.pts[0][0] - f.left).abs() < 1e-9 && (raw.pts[100][0] - f.right).abs() < 1e-9);
    // The first loss (5.0) is above the y range (the 90th percentile): clamped to the top.
    let (y0, y1) = chart::y_range(&d);
    assert!(5.0 > y1 && (raw.pts[0][1] - 13.0 * 0.6).abs() < 1e-9);
    let eval = s
        .strokes
        .iter()
        .find(|t| t.color == chart::Rgba(213, 94, 0, 1.0) && t.width == 3.0)
        .unwrap();
    assert_eq!(eval.pts.len(), 11);
    let floor = s
        .strokes
        .iter()
        .find(|t| t.color == chart::Rgba(90, 90, 90, 1.0) && t.segments)
        .unwrap();
    assert_eq!(floor.pts.len(), 40, "20 dashes");
    let bottom = 240.0 - 13.0 * 2.8;
    let want_y = bottom - (bottom - 13.0 * 0.6) * (2.393 - y0) / (y1 - y0);
    assert!(floor.pts.iter().all(|p| (p[1] - want_y).abs() < 1e-9));
    // Legend: three entries in the upper right, inside the plot, text right of its key.
    let (r, _, _) = s.legend.unwrap();
    assert!(r[0] > f.left && r[0] + r[2] < f.right && r[1] > 0.0);
    assert_eq!(s.keys.len(), 3);
    for (key, name) in s
        .keys
        .iter()
        .zip(["train NLL", "held-out NLL", "floor 2.393"])
    {
        let l = s.labels.iter().find(|l| l.text == name).expect(name);
        assert_eq!(l.anchor, Anchor::Left);
        assert!(l.at[0] > key.pts[1][0] && (l.at[1] - key.pts[0][1]).abs() < 1e-9);
        assert!(l.at[0] + 0.6 * 13.0 * name.len() as f64 <= r[0] + r[2] + 1e-9);
    }
    // Themes: dark background, light ink.
    assert_eq!(s.bg, chart::Rgba(255, 255, 255, 1.0));
    let dark = lay(&d, 600.0, 240.0, true);
    assert_eq!(dark.bg, chart::Rgba(28, 27, 39, 1.0));
    assert!(dark.ink.0 > 200 && s.ink.0 < 50);
    // No data: axes, no legend, no NaN.
    let empty = lay(&ChartData::default(), 600.0, 240.0, false);
    assert!(empty.legend.is_none());
    assert!(empty
        .strokes
        .iter()
        .flat_map(|t| &t.pts)
        .all(|p| p[0].is_finite() && p[1].is_finite()));
}

#[test]
fn drawn_frame_lies_inside_the_canvas_and_matches_the_axis() {
    let s = lay(&data(), 600.0, 240.0, false);
    let frame = s.plot;
    assert!(frame.left > 0.0 && frame.left < frame.right && frame.right < 600.0);
    assert_eq!(frame.x_max, 1000.0);
    assert!(texts(&s).contains(&"train NLL") && texts(&s).contains(&"held-out NLL"));
    assert!(texts(&s).contains(&"floor 2.393"));
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
