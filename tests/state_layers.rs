#![cfg(not(target_arch = "wasm32"))]
//! Links with the layer families of issue 14: old `p`/`r` links decode exactly as before, every
//! kind has a letter and round-trips, and trained coupling stacks — whose parameters make links
//! too long — say so and still read back whole from a file (the largest valid state included).

use std::time::{Duration, Instant};

use flow_playground::core::{init_params, Direction, Energy, Init, Keep, LayerKind, StackPattern};
use flow_playground::state::layers_codec::{decode_kinds, encode_kinds};
use flow_playground::state::{
    decode, encode, link_fit, Config, Mode, ViewConfig, MAX_DECODE_INPUT, MAX_LAYERS, MAX_POINTS,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// `n` points uniform on the quantization lattice over [−4, 4]² (incompressible).
fn uniform_points(n: usize, seed: u64) -> Vec<[f64; 2]> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let mut q = || f64::from(rng.random_range(-4096i32..=4096)) / 1024.0;
            [q(), q()]
        })
        .collect()
}

#[test]
fn old_links_decode_as_before() {
    // Links written before the new families: p/r runs (either case), planar and radial
    // parameters. Their kinds, parameters and everything else decode as they always did.
    let params: Vec<f64> = vec![
        0.5, -0.25, 1.0, 2.0, 0.125, // planar
        0.1, 0.2, 0.3, 0.4, // radial
        -1.5, 1e-3, 7.0, -2.0, 0.0, // planar
    ];
    let b64 = flow_playground::state::base64::encode(
        &params
            .iter()
            .flat_map(|p| p.to_le_bytes())
            .collect::<Vec<u8>>(),
    );
    let link = format!("v=1&mode=u2&K=3&layers=pRP&seed=9&params={b64}&stage=1.5");
    let (c, w) = decode(&link);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(
        c.kinds,
        vec![LayerKind::Planar, LayerKind::Radial, LayerKind::Planar]
    );
    assert_eq!(c.params, params);
    assert_eq!(
        (c.seed, c.view.stage, c.mode),
        (9, 1.5, Mode::Energy(Energy::U2.into()))
    );
    for (text, want) in [
        ("16p", vec![LayerKind::Planar; 16]),
        (
            "4p2r",
            [vec![LayerKind::Planar; 4], vec![LayerKind::Radial; 2]].concat(),
        ),
        ("prpr", StackPattern::Alternating.kinds(4)),
    ] {
        assert_eq!(decode_kinds(text, MAX_LAYERS), Ok((want.clone(), false)));
        assert_eq!(encode_kinds(&want), text);
    }
    // The default link is unchanged.
    assert!(encode(&Config::default()).contains("&K=16&layers=16p&"));
}

#[test]
fn new_kinds_have_letters_and_round_trip() {
    let all = LayerKind::ALL.to_vec();
    assert_eq!(encode_kinds(&all), "prsabnmz");
    assert_eq!(
        decode_kinds("PRSABNMZ", MAX_LAYERS),
        Ok((all.clone(), false))
    );
    // The coupling patterns lead with a scale layer; k counts it.
    assert_eq!(encode_kinds(&StackPattern::AllAffine.kinds(9)), "zabababab");
    assert_eq!(encode_kinds(&StackPattern::AllSpline.kinds(5)), "znmnm");
    assert_eq!(
        decode_kinds("3s2a", MAX_LAYERS).unwrap().0,
        [
            vec![LayerKind::Sylvester; 3],
            vec![LayerKind::Affine(Keep::X); 2]
        ]
        .concat()
    );
    let e = decode_kinds("4q", MAX_LAYERS).unwrap_err();
    assert!(
        e.contains("s = sylvester") && e.contains("n = spline-x") && e.contains("z = scale"),
        "{e}"
    );
    // Every pattern's stack, with seeded parameters, through the whole link.
    for pattern in StackPattern::PRESETS {
        let kinds = pattern.kinds(5);
        let c = Config {
            params: init_params(&kinds, Init::Default, 4),
            view: ViewConfig::for_layers(kinds.len()),
            kinds,
            ..Config::default()
        };
        let (d, w) = decode(&encode(&c));
        assert!(w.is_empty(), "{pattern:?}: {w:?}");
        assert_eq!(d, c, "{pattern:?}");
    }
}

#[test]
fn coupling_parameters_make_long_links_that_say_why() {
    // Trained coupling stacks carry their conditioners: 8 affine layers (after the scale layer)
    // are 9,492 values, far beyond a link. The message names the parameters; the file (same
    // text) reads back whole, even for the largest valid state (64 spline layers, no scale
    // layer, and 20,000 points).
    let kinds = StackPattern::AllAffine.kinds(9);
    let c = Config {
        params: init_params(&kinds, Init::Default, 2),
        view: ViewConfig::for_layers(9),
        kinds: kinds.clone(),
        ..Config::default()
    };
    let text = encode(&c);
    let fit = link_fit(&text);
    assert!(!fit.fits(), "{} chars", text.len());
    let m = fit.message().unwrap();
    assert!(
        m.contains("trained parameters") && m.contains("Export it as a file"),
        "{m}"
    );
    assert_eq!(decode(&text).0, c);
    // Without parameters (seeded), the same stack is a short link.
    let seeded = Config {
        params: Vec::new(),
        ..c.clone()
    };
    assert!(link_fit(&encode(&seeded)).fits());
    let big_kinds: Vec<LayerKind> = (0..MAX_LAYERS)
        .map(|i| LayerKind::Spline(Keep::at_position(i)))
        .collect();
    let big = Config {
        mode: Mode::Points(None),
        points: uniform_points(MAX_POINTS, 3),
        params: init_params(&big_kinds, Init::Default, 5),
        view: ViewConfig::for_layers(MAX_LAYERS),
        kinds: big_kinds,
        ..Config::default()
    };
    let text = encode(&big);
    assert!(text.len() < MAX_DECODE_INPUT, "{} chars", text.len());
    let t0 = Instant::now();
    let (d, w) = decode(&text);
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(d.params, big.params);
    assert_eq!(d.kinds, big.kinds);
    assert_eq!(d.points.len(), MAX_POINTS);
    // Parameters sized for another stack are dropped with the usual warning.
    let (d, w) = decode(&text.replacen("layers=nmnm", "layers=anmn", 1));
    assert!(d.params.is_empty());
    assert!(w.iter().any(|w| w.key == "params"), "{w:?}");
}

#[test]
fn scale_layers_have_a_letter_and_round_trip_through_links_and_model_files() {
    use flow_playground::core::{standardizing, Preset};
    use flow_playground::state::{model_from_json, model_to_json};
    // `z` is the scale layer, in runs like every other letter; old letters are unchanged.
    assert_eq!(
        decode_kinds("z4n", MAX_LAYERS).unwrap().0,
        [vec![LayerKind::Scale], vec![LayerKind::Spline(Keep::X); 4]].concat()
    );
    assert_eq!(
        decode_kinds("Z", MAX_LAYERS).unwrap().0,
        vec![LayerKind::Scale]
    );
    assert_eq!(encode_kinds(&[LayerKind::Scale; 3]), "3z");
    // The default spline stack with a standardizing scale layer and seeded conditioners:
    // bit for bit through a link and through a model file.
    let kinds: Vec<LayerKind> = std::iter::once(LayerKind::Scale)
        .chain((0..4).map(|i| LayerKind::Spline(Keep::at_position(i))))
        .collect();
    assert_eq!(
        kinds,
        StackPattern::AllSpline.kinds(StackPattern::AllSpline.suggested_k())
    );
    let pts = Preset::Checkerboard.generate(1000, 0.0, 1);
    let mut params = init_params(&kinds, Init::Default, 6);
    let raw = standardizing(&pts);
    params[..4].copy_from_slice(&raw);
    let c = Config {
        params: params.clone(),
        view: ViewConfig::for_layers(kinds.len()),
        kinds: kinds.clone(),
        ..Config::default()
    };
    let text = encode(&c);
    assert!(text.contains("&K=5&layers=znmnm&"), "{}", &text[..80]);
    let (d, w) = decode(&text);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(d, c);
    let json = model_to_json(&kinds, &params, Direction::Normalizing).unwrap();
    assert!(json.contains("\"type\": \"scale\""), "{}", &json[..600]);
    assert!(json.contains("\"scale\": \"log_scale1 log_scale2 shift1 shift2\""));
    // The constrained view shows the factor e^{ℓ} = 1/σ and the shift −m/σ.
    let shown = |key: &str| -> f64 {
        let at = json.find(key).expect(key) + key.len();
        let end = at + json[at..].find(',').unwrap();
        json[at..end].trim().parse().unwrap()
    };
    assert_eq!(shown("\"scale\": ["), raw[0].exp());
    assert_eq!(shown("\"shift\": ["), raw[2]);
    let (k2, p2) = model_from_json(&json).unwrap();
    assert_eq!((k2, p2), (kinds, params));
    // A scale layer with the wrong number of raw values is refused with the kind's name.
    let bad = json.replacen(
        "\"type\": \"scale\", \"raw\": [",
        "\"type\": \"scale\", \"raw\": [0, ",
        1,
    );
    let e = model_from_json(&bad).unwrap_err().to_string();
    assert!(
        e.contains("layer 0 (scale) has 5 raw values; it needs 4"),
        "{e}"
    );
}
