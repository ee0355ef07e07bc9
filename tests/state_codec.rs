#![cfg(not(target_arch = "wasm32"))]
//! The link codec: decode(encode(c)) = c for arbitrary valid configs (points generated on the
//! quantization lattice, so equality is exact), and decode never panics and always returns a
//! config whose invariants hold — on arbitrary text, arbitrary bytes, truncations and mutations
//! of valid links, and enormous inputs. Also the link sizes the issue asks for.

use std::time::{Duration, Instant};

use flow_playground::core::{init_params, Energy, Init, LayerKind, Preset, TypedEnergy};
use flow_playground::state::points_codec::{
    decode_points, encode_points, quantize_point, STEPS_PER_UNIT,
};
use flow_playground::state::GALLERY;
use flow_playground::state::{
    decode, encode, encode_with_warnings, link_fit, notice, Compare, Config, EmbedConfig, Lesson,
    Mode, Overlays, PresetInfo, Scale, TrainConfig, ViewConfig, FORMAT_VERSION, MAX_DECODE_INPUT,
    MAX_LAYERS, MAX_POINTS, MAX_URL_FRAGMENT,
};
use proptest::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Largest lattice index (the box is ±10⁴, the engine's `COORD_LIMIT`).
const Q_MAX: i64 = 10_240_000;

// ---------------------------------------------------------------- strategies

fn arb_lattice_point() -> impl Strategy<Value = [f64; 2]> + Clone {
    // Mostly near the view (like drawn points), sometimes anywhere in the box.
    let coord = prop_oneof![4 => -8192i64..=8192, 1 => -Q_MAX..=Q_MAX];
    (coord.clone(), coord).prop_map(|(x, y)| [x as f64 / STEPS_PER_UNIT, y as f64 / STEPS_PER_UNIT])
}

fn arb_preset() -> impl Strategy<Value = PresetInfo> {
    (
        0..Preset::ALL.len(),
        1usize..=300,
        0.0..=10.0f64,
        any::<u64>(),
    )
        .prop_map(|(i, n, noise, seed)| PresetInfo {
            preset: Preset::ALL[i],
            n,
            noise,
            seed,
        })
}

fn arb_mode_and_points() -> impl Strategy<Value = (Mode, Vec<[f64; 2]>)> {
    let drawn = prop::collection::vec(arb_lattice_point(), 0..300);
    prop_oneof![
        drawn.clone().prop_map(|p| (Mode::Points(None), p)),
        // A preset with its own points (omitted from the link) …
        arb_preset().prop_map(|p| (Mode::Points(Some(p)), p.generate())),
        // … or with edited points (written to the link).
        (arb_preset(), drawn.clone()).prop_map(|(p, pts)| (Mode::Points(Some(p)), pts)),
        (0..4usize, drawn.clone()).prop_map(|(i, p)| (Mode::Energy(Energy::ALL[i].into()), p)),
        // A typed energy from the gallery (its formula travels as `u`).
        (0..GALLERY.len(), drawn).prop_map(|(i, p)| {
            let t = TypedEnergy::new(GALLERY[i].formula).expect("gallery formulas fit");
            (Mode::Energy(t.into()), p)
        }),
    ]
}

fn arb_stack() -> impl Strategy<Value = (Vec<LayerKind>, Vec<f64>)> {
    prop::collection::vec(prop::bool::ANY, 0..=MAX_LAYERS).prop_flat_map(|bits| {
        let kinds: Vec<LayerKind> = bits.iter().enumerate().map(|(i, &b)| match (b, i % 5, i % 7) {
            (_, _, 6) => LayerKind::Scale,
            (_, 4, _) => LayerKind::Sylvester,
            (true, _, _) => LayerKind::Planar,
            (false, _, _) => LayerKind::Radial,
        }).collect();
        let n: usize = kinds.iter().map(|k| k.n_params()).sum();
        let value = prop_oneof![8 => -10.0..10.0f64, 1 => -1e6..=1e6f64, 1 => Just(0.0), 1 => Just(-1e6), 1 => Just(5e-324)];
        let params = prop_oneof![1 => Just(Vec::new()), 3 => prop::collection::vec(value, n)];
        (Just(kinds), params)
    })
}

fn arb_identifier_list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z0-9-]{1,12}", 0..6).prop_map(|v| {
        let mut out: Vec<String> = Vec::new();
        for s in v {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    })
}

prop_compose! {
    fn arb_train()(
        lr in 1e-9..=10.0f64,
        batch in 1usize..=8192,
        anneal in any::<bool>(),
        anneal_steps in prop_oneof![Just(10_000u32), 10u32..=1_000_000],
        clip in prop::option::of(1e-9..=1e6f64),
        step in any::<u64>(),
    ) -> TrainConfig {
        TrainConfig { lr, batch, anneal, anneal_steps, clip, step }
    }
}

prop_compose! {
    fn arb_view(k: usize)(
        frac in 0.0..=1.0f64,
        playing in any::<bool>(),
        speed in 1e-6..=100.0f64,
        looping in any::<bool>(),
        flags in prop::array::uniform9(any::<bool>()),
        log in any::<bool>(),
        cx in -1e4..=1e4f64,
        cy in -1e4..=1e4f64,
        half_extent in 1e-3..=1e4f64,
        sel in prop::option::of(0usize..64),
    ) -> ViewConfig {
        let [grid, particles, data, contours, volume, stretch, field, paths, trails] = flags;
        ViewConfig {
            stage: frac * k as f64,
            playing,
            speed,
            looping,
            overlays: Overlays { grid, particles, data, contours, volume, stretch, field, paths, trails },
            scale: if log { Scale::Log } else { Scale::Linear },
            center: [cx, cy],
            half_extent,
            selected: sel.filter(|&i| i < k),
            trace_probes: [0, 1, 10, 255][(cx.to_bits() % 4) as usize],
        }
    }
}

fn arb_config() -> impl Strategy<Value = Config> {
    (
        arb_mode_and_points(),
        arb_stack(),
        any::<u64>(),
        arb_train(),
        any::<bool>(),
        arb_identifier_list(),
        proptest::option::of(0..Lesson::ALL.len()),
        proptest::option::of(0..Compare::ALL.len()),
    )
        .prop_flat_map(
            |((mode, points), (kinds, params), seed, train, embed, hide, lesson, cmp)| {
                let k = kinds.len();
                arb_view(k).prop_map(move |view| Config {
                    version: FORMAT_VERSION,
                    mode: mode.clone(),
                    points: points.clone(),
                    kinds: kinds.clone(),
                    params: params.clone(),
                    seed,
                    train: train.clone(),
                    view,
                    embed: EmbedConfig {
                        embed,
                        hide: hide.clone(),
                    },
                    lesson: lesson.map(|i| Lesson::ALL[i]),
                    compare: cmp.map(|i| Compare::ALL[i]),
                })
            },
        )
}

/// The invariants every decoded config must satisfy, checked independently of `Config::check`.
fn assert_invariants(c: &Config) -> Result<(), TestCaseError> {
    prop_assert!(c.check().is_ok(), "check failed: {:?}", c.check());
    prop_assert!(c.kinds.len() <= MAX_LAYERS);
    let need: usize = c.kinds.iter().map(|k| k.n_params()).sum();
    prop_assert!(c.params.is_empty() || c.params.len() == need);
    prop_assert!(c.params.iter().all(|p| p.is_finite()));
    prop_assert!(c.points.len() <= MAX_POINTS);
    prop_assert!(c
        .points
        .iter()
        .all(|p| p[0].is_finite() && p[1].is_finite()));
    prop_assert!(c.view.stage >= 0.0 && c.view.stage <= c.kinds.len() as f64);
    let t = &c.train;
    prop_assert!(t.lr.is_finite() && t.lr > 0.0 && t.batch >= 1);
    prop_assert!(t.clip.is_none_or(|x| x.is_finite() && x > 0.0));
    let v = &c.view;
    prop_assert!(
        v.speed.is_finite() && v.half_extent.is_finite() && v.center.iter().all(|x| x.is_finite())
    );
    if let Mode::Points(Some(p)) = c.mode {
        prop_assert!(p.noise.is_finite() && p.n >= 1);
    }
    Ok(())
}

fn decode_checked(s: &str) -> Result<Config, TestCaseError> {
    let (c, warnings) = decode(s);
    assert_invariants(&c)?;
    for w in &warnings {
        prop_assert!(
            !w.message.is_empty() && w.message.chars().count() < 400,
            "warning {:?}",
            w.message
        );
        prop_assert!(!w.message.chars().any(|ch| ch.is_control() && ch != '\n'));
    }
    Ok(c)
}

// ---------------------------------------------------------------- round trips

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn decode_inverts_encode(c in arb_config()) {
        prop_assert!(c.check().is_ok(), "strategy made an invalid config: {:?}", c.check());
        let (text, warnings) = encode_with_warnings(&c);
        prop_assert!(warnings.is_empty(), "{warnings:?}");
        let (back, warnings) = decode(&text);
        prop_assert!(warnings.is_empty(), "{warnings:?} for {text}");
        prop_assert_eq!(&back, &c);
        // Idempotent: encoding the decoded config gives the same text.
        prop_assert_eq!(encode(&back), text);
    }

    #[test]
    fn off_lattice_points_round_trip_to_their_quantization(
        pts in prop::collection::vec((-20.0..20.0f64, -20.0..20.0f64), 1..200),
    ) {
        let points: Vec<[f64; 2]> = pts.iter().map(|&(x, y)| [x, y]).collect();
        let c = Config { mode: Mode::Points(None), points: points.clone(), ..Config::default() };
        let (back, _) = decode(&encode(&c));
        prop_assert_eq!(back.points.len(), points.len());
        for (a, b) in points.iter().zip(&back.points) {
            // Documented tolerance: half a lattice step, 1/2048.
            prop_assert!((a[0] - b[0]).abs() <= 0.5 / STEPS_PER_UNIT && (a[1] - b[1]).abs() <= 0.5 / STEPS_PER_UNIT);
            prop_assert_eq!(quantize_point(*a), *b);
        }
    }

    #[test]
    fn points_codec_round_trips_and_never_exceeds_its_cap(pts in prop::collection::vec(arb_lattice_point(), 0..500), cap in 0usize..600) {
        let (bytes, clamped) = encode_points(&pts);
        prop_assert_eq!(clamped, 0);
        let d = decode_points(&bytes, cap);
        prop_assert_eq!(d.declared, pts.len() as u64);
        prop_assert_eq!(&d.points[..], &pts[..pts.len().min(cap)]);
        prop_assert!(d.problem.is_none());
    }
}

// ---------------------------------------------------------------- hostile input

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,400}") {
        decode_checked(&s)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        decode_checked(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn arbitrary_points_payload_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600), cap in 0usize..30_000) {
        let d = decode_points(&bytes, cap);
        prop_assert!(d.points.len() <= cap);
        prop_assert!(d.points.iter().all(|p| p[0].abs() <= 1e4 && p[1].abs() <= 1e4));
        let b64 = flow_playground::state::base64::encode(&bytes);
        decode_checked(&format!("mode=draw&pts={b64}"))?;
        decode_checked(&format!("K=3&params={b64}"))?;
    }

    #[test]
    fn plausible_pairs_with_random_values_never_panic(
        pairs in prop::collection::vec((0..KEYS.len(), prop_oneof![
            "[0-9.eE+-]{0,12}", "[a-z0-9,%-]{0,16}", "[A-Za-z0-9_-]{0,40}", Just("NaN".to_string()),
            Just("inf".to_string()), Just("1e999".to_string()), Just("-0".to_string()), Just("%FF%FE".to_string()),
        ]), 0..30),
    ) {
        let s: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", KEYS[*k], v)).collect();
        decode_checked(&s.join("&"))?;
    }

    #[test]
    fn mutated_valid_links_never_panic(
        c in arb_config(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = encode(&c);
        let mut chars: Vec<char> = text.chars().collect();
        for (at, op, ch) in edits {
            if chars.is_empty() {
                break;
            }
            let i = at.index(chars.len());
            match op {
                0 => chars[i] = ch,
                1 => { chars.remove(i); }
                2 => chars.insert(i, ch),
                _ => chars.truncate(i),
            }
        }
        let mutated: String = chars.iter().collect();
        decode_checked(&mutated)?;
        // Truncation anywhere.
        let t: Vec<char> = text.chars().collect();
        let prefix: String = t[..cut.index(t.len() + 1)].iter().collect();
        decode_checked(&prefix)?;
    }
}

const KEYS: [&str; 29] = [
    "v", "mode", "n", "noise", "dseed", "K", "layers", "seed", "lr", "batch", "anneal", "asteps",
    "clip", "step", "stage", "play", "speed", "loop", "show", "scale", "view", "embed", "hide",
    "sel", "lesson", "cmp", "params", "pts", "bogus",
];

/// Every prefix of a link with points and parameters decodes to a valid config, and the points
/// it keeps are a prefix of the original points.
#[test]
fn every_truncation_of_a_full_link_is_valid() {
    let kinds = vec![LayerKind::Planar, LayerKind::Radial, LayerKind::Planar];
    let points: Vec<[f64; 2]> = random_points(300, 11, Shape::Strokes)
        .into_iter()
        .map(quantize_point)
        .collect();
    let c = Config {
        mode: Mode::Points(None),
        params: init_params(&kinds, Init::Default, 3),
        view: ViewConfig::for_layers(kinds.len()),
        kinds,
        points: points.clone(),
        ..Config::default()
    };
    let text = encode(&c);
    for end in 0..=text.len() {
        let (d, _) = decode(&text[..end]);
        assert!(d.check().is_ok(), "prefix {end}: {:?}", d.check());
        // (A prefix that cuts `mode=draw` falls back to the default preset and its points.)
        if d.mode == Mode::Points(None) {
            assert!(d.points.len() <= points.len());
            assert_eq!(d.points[..], points[..d.points.len()], "prefix {end}");
        }
    }
    assert_eq!(decode(&text).0, c);
}

// ---------------------------------------------------------------- specific behaviour

#[test]
fn empty_and_bare_fragments_give_the_default_without_warnings() {
    for s in ["", "#", "https://example.org/app/#", "&&&"] {
        let (c, w) = decode(s);
        assert_eq!(c, Config::default(), "{s:?}");
        assert!(w.is_empty(), "{s:?}: {w:?}");
    }
    assert!(Config::default().check().is_ok());
}

#[test]
fn default_link_is_short_and_readable() {
    let text = encode(&Config::default());
    assert!(
        text.starts_with("v=1&mode=moons&n=1000&noise=0.2&dseed=1&K=16&layers=16p&seed=1&lr=0.005"),
        "{text}"
    );
    assert!(
        !text.contains("pts="),
        "an untouched preset must not store its points: {text}"
    );
    assert!(text.len() < 300, "{} chars: {text}", text.len());
}

#[test]
fn a_bad_value_keeps_its_default_and_says_so() {
    let (c, w) = decode("#v=1&lr=abc&batch=0&K=8&seed=7&mode=rings&speed=-1&zzz=1&view=0,0");
    let d = Config::default();
    assert_eq!(c.train.lr, d.train.lr);
    assert_eq!(c.train.batch, d.train.batch);
    assert_eq!(c.kinds, vec![LayerKind::Planar; 8]);
    assert_eq!(c.view.stage, 8.0);
    assert_eq!(c.seed, 7);
    assert!(matches!(c.mode, Mode::Points(Some(p)) if p.preset == Preset::Rings));
    assert_eq!(c.points, PresetInfo::new(Preset::Rings).generate());
    let text: Vec<String> = w.iter().map(|w| w.message.clone()).collect();
    assert!(
        text.contains(&"ignored 'lr=abc': not a number".to_string()),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.starts_with("ignored 'batch=0': must be 1 to")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|m| m.starts_with("ignored 'speed=-1'")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|m| m == "ignored unknown setting 'zzz=1'"),
        "{text:?}"
    );
    assert!(
        text.iter().any(|m| m.starts_with("ignored 'view=0,0'")),
        "{text:?}"
    );
    assert_eq!(w.len(), 5, "{text:?}");
    let n = notice(&w).expect("a notice");
    assert!(n.contains("not a number"));
    assert_eq!(notice(&[]), None);
}

#[test]
fn non_finite_and_hostile_numbers_are_rejected() {
    for v in [
        "NaN", "inf", "-inf", "infinity", "1e999", "0x10", "", "1,5", "--1",
    ] {
        let (c, w) = decode(&format!("lr={v}"));
        assert_eq!(c.train.lr, TrainConfig::default().lr, "{v}");
        assert_eq!(w.len(), 1, "{v}: {w:?}");
    }
}

#[test]
fn params_that_do_not_fit_the_stack_are_dropped_with_a_warning() {
    let kinds = vec![LayerKind::Planar; 4];
    let c = Config {
        params: init_params(&kinds, Init::Default, 5),
        kinds,
        view: ViewConfig::for_layers(4),
        ..Config::default()
    };
    let text = encode(&c);
    // Same params, but claim a different stack.
    let edited = text.replace("K=4&layers=4p", "K=4&layers=3pr");
    let (d, w) = decode(&edited);
    assert_eq!(d.kinds.len(), 4);
    assert!(d.params.is_empty());
    assert!(
        w.iter()
            .any(|w| w.key == "params" && w.message.contains("re-initialised from the seed")),
        "{w:?}"
    );
    // NaN inside params.
    let mut bad = c.params.clone();
    bad[2] = f64::NAN;
    let bytes: Vec<u8> = bad.iter().flat_map(|p| p.to_le_bytes()).collect();
    let b64 = flow_playground::state::base64::encode(&bytes);
    let (d, w) = decode(&format!("K=4&layers=4p&params={b64}"));
    assert!(
        d.params.is_empty() && w.iter().any(|w| w.key == "params"),
        "{w:?}"
    );
}

#[test]
fn layer_count_is_capped_and_k_is_checked() {
    let (c, w) = decode("layers=100p&K=100");
    assert_eq!(c.kinds.len(), MAX_LAYERS);
    assert!(w.iter().any(|w| w.key == "layers"));
    assert!(w.iter().any(|w| w.key == "K"));
    let (c, w) = decode("layers=4p2r&K=5");
    assert_eq!(c.kinds.len(), 6);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].message.contains("the layer list has 6 layers"),
        "{w:?}"
    );
    let (c, w) = decode("layers=pq");
    assert_eq!(c.kinds, Config::default().kinds);
    assert_eq!(w.len(), 1);
}

#[test]
fn stage_is_clamped_into_the_stack() {
    let (c, w) = decode("K=4&stage=9.5");
    assert_eq!(c.view.stage, 4.0);
    assert_eq!(w.len(), 1);
    let (c, _) = decode("K=4&stage=-1");
    assert_eq!(c.view.stage, 0.0);
    let (c, w) = decode("K=4&stage=2.25");
    assert_eq!(c.view.stage, 2.25);
    assert!(w.is_empty());
}

#[test]
fn embed_and_hide_list() {
    let (c, w) = decode("embed&hide=train,layers,Bad!,layers,x-1");
    assert!(c.embed.embed);
    assert_eq!(c.embed.hide, vec!["train", "layers", "x-1"]);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        c.embed.is_hidden("data") && !c.embed.is_hidden("timeline") && !c.embed.is_hidden("canvas")
    );
    let (c, _) = decode("hide=train");
    assert!(c.embed.is_hidden("train") && !c.embed.is_hidden("data"));
}

#[test]
fn percent_encoded_links_and_full_urls_decode() {
    let c = Config {
        embed: EmbedConfig {
            embed: false,
            hide: vec!["a".into(), "b".into()],
        },
        ..Config::default()
    };
    let text = encode(&c);
    let escaped = text.replace(',', "%2C").replace("hide=", "hid%65=");
    let (d, w) = decode(&format!("https://example.org/play/?x=1#{escaped}"));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(d, c);
}

#[test]
fn warnings_quote_user_text_safely() {
    let (_, w) = decode("lr=<script>alert(1)</script>&\u{202e}evil\u{1}=x");
    for w in &w {
        assert!(
            !w.message.contains('\u{202e}') && !w.message.contains('\u{1}'),
            "{:?}",
            w.message
        );
        assert!(w.message.chars().count() < 120);
    }
    // Plain text: the message contains the text as typed (the UI inserts it as text, not HTML).
    assert!(
        w.iter()
            .any(|w| w.message == "ignored 'lr=<script>alert(1)</script>': not a number"),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.message == "ignored unknown setting '?evil?=x'"),
        "{w:?}"
    );
}

#[test]
fn emptied_preset_points_stay_empty() {
    let c = Config {
        points: Vec::new(),
        ..Config::default()
    };
    let text = encode(&c);
    assert!(text.ends_with("&pts=AAA"), "{text}");
    assert_eq!(decode(&text), (c, Vec::new()));
}

#[test]
fn points_outside_the_box_are_clamped_with_a_warning() {
    let c = Config {
        mode: Mode::Points(None),
        points: vec![[1e5, 0.5], [0.25, -3.0]],
        ..Config::default()
    };
    assert!(c.check().is_err());
    let (text, w) = encode_with_warnings(&c);
    assert!(
        w.iter()
            .any(|w| w.key == "pts" && w.message.contains("clamped 1 points")),
        "{w:?}"
    );
    let (d, w) = decode(&text);
    assert!(w.is_empty());
    assert_eq!(d.points, vec![[1e4, 0.5], [0.25, -3.0]]);
}

#[test]
fn a_corrupt_points_payload_keeps_what_it_can() {
    let points: Vec<[f64; 2]> = random_points(100, 5, Shape::Strokes)
        .into_iter()
        .map(quantize_point)
        .collect();
    let c = Config {
        mode: Mode::Points(None),
        points: points.clone(),
        ..Config::default()
    };
    let text = encode(&c);
    let at = text.find("pts=").unwrap() + 4 + 40;
    let mut broken = text.clone();
    broken.replace_range(at..at + 1, "!");
    let (d, w) = decode(&broken);
    assert!(!d.points.is_empty() && d.points.len() < 100);
    assert_eq!(d.points[..], points[..d.points.len()]);
    assert!(
        w.iter()
            .any(|w| w.key == "pts" && w.message.contains("invalid character '!'")),
        "{w:?}"
    );
    // In preset mode a useless payload falls back to the preset's points.
    let (d, w) = decode("mode=circles&n=50&pts=!!!!");
    assert_eq!(
        d.points,
        PresetInfo {
            n: 50,
            ..PresetInfo::new(Preset::Circles)
        }
        .generate()
    );
    assert!(
        w.iter().any(|w| w.message.contains("preset's points")),
        "{w:?}"
    );
}

#[test]
fn enormous_inputs_return_quickly_with_a_warning() {
    let five_mb = 5 << 20;
    let mut rng = SmallRng::seed_from_u64(9);
    let random: Vec<u8> = (0..five_mb).map(|_| rng.random()).collect();
    let inputs = [
        format!("pts={}", "A".repeat(five_mb)),
        format!("mode=draw&pts=AcD_{}", "-".repeat(five_mb)),
        "x=1&".repeat(five_mb / 4),
        format!("hide={}", "a,".repeat(five_mb / 2)),
        format!("layers={}", "p".repeat(five_mb)),
        "%".repeat(five_mb),
        String::from_utf8_lossy(&random).into_owned(),
    ];
    for s in &inputs {
        let t0 = Instant::now();
        let (c, w) = decode(s);
        let dt = t0.elapsed();
        assert!(
            dt < Duration::from_secs(2),
            "{dt:?} for input starting {:?}",
            &s[..20]
        );
        assert!(c.check().is_ok());
        assert!(!w.is_empty() && w.len() <= 21, "{} warnings", w.len());
        assert!(w[0].message.contains("only the first"), "{:?}", w[0]);
    }
    assert!(MAX_DECODE_INPUT < five_mb);
}

#[test]
fn the_points_cap_holds_for_links() {
    let points = random_points(MAX_POINTS + 500, 1, Shape::Uniform);
    let c = Config {
        mode: Mode::Points(None),
        points,
        ..Config::default()
    };
    let (text, w) = encode_with_warnings(&c);
    assert!(w.iter().any(|w| w.key == "pts"));
    let (d, _) = decode(&text);
    assert_eq!(d.points.len(), MAX_POINTS);
    assert!(
        !link_fit(&text).fits(),
        "20,000 points are beyond a link: {}",
        text.len()
    );
    assert!(link_fit(&text)
        .message()
        .unwrap()
        .contains("Export it as a file"));
}

// ---------------------------------------------------------------- sizes

#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Uniform in [−4, 4]² (incompressible: the worst realistic case).
    Uniform,
    /// Three Gaussian blobs, σ = 0.5.
    Blobs,
    /// Strokes: random walks with steps of ~0.05 (what dragging the mouse draws).
    Strokes,
}

fn random_points(n: usize, seed: u64, shape: Shape) -> Vec<[f64; 2]> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut p = [0.0, 0.0];
    (0..n)
        .map(|i| match shape {
            Shape::Uniform => [rng.random_range(-4.0..4.0), rng.random_range(-4.0..4.0)],
            Shape::Blobs => {
                let c = [[-2.0, 1.0], [1.5, 1.5], [0.0, -2.0]][i % 3];
                let g =
                    |rng: &mut SmallRng| (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
                [c[0] + 0.5 * g(&mut rng), c[1] + 0.5 * g(&mut rng)]
            }
            Shape::Strokes => {
                if i % 100 == 0 {
                    p = [rng.random_range(-3.0..3.0), rng.random_range(-3.0..3.0)];
                }
                p = [
                    p[0] + rng.random_range(-0.05..0.05),
                    p[1] + rng.random_range(-0.05..0.05),
                ];
                p
            }
        })
        .collect()
}

/// Link length for `n` points of `shape` with a trained-looking 16-layer planar stack.
fn link_len(n: usize, shape: Shape) -> usize {
    let kinds = vec![LayerKind::Planar; 16];
    let c = Config {
        mode: Mode::Points(None),
        points: random_points(n, 42, shape),
        params: init_params(&kinds, Init::Default, 7),
        kinds,
        train: TrainConfig {
            step: 4000,
            ..TrainConfig::default()
        },
        ..Config::default()
    };
    let text = encode(&c);
    assert_eq!(decode(&text).0.points.len(), n);
    text.len()
}

#[test]
fn two_thousand_points_fit_comfortably_in_a_link() {
    let mut report = Vec::new();
    for shape in [Shape::Uniform, Shape::Blobs, Shape::Strokes] {
        for n in [500, 2000] {
            let len = link_len(n, shape);
            report.push(format!("{shape:?} {n}: {len}"));
            // Documented bound: 2,000 points with 16 f64-parameter layers stay under 10,000
            // characters (uniform [−4, 4]² is the worst case: 28 bits per point).
            let bound = if n == 500 { 4_000 } else { 10_000 };
            assert!(len < bound, "{shape:?} {n} points: {len} characters");
            println!("{shape:?} {n}: {len}");
            assert!(link_fit(&"x".repeat(len)).fits());
        }
    }
    println!(
        "link lengths (chars, incl. 854 for 16 planar layers' params): {}",
        report.join(", ")
    );
    const { assert!(MAX_URL_FRAGMENT >= 32_000) };
}
