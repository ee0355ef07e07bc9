#![cfg(not(target_arch = "wasm32"))]
//! The link's table (`state/keys.rs`) end to end without a browser: random sessions of every
//! kind — every layer family with trained (random) parameters, presets, drawn points, energies,
//! lessons, comparisons, view settings, the layer open in the editor — survive
//! session → link → session exactly; every key the table lists is exercised with a non-default
//! value; and the README's list of keys is the table's.

use std::collections::BTreeSet;

use flow_playground::core::{init_params, Energy, Init, LayerKind, Preset, TypedEnergy};
use flow_playground::session::{Session, ViewParts};
use flow_playground::state::{
    self, Compare, Config, EmbedConfig, Lesson, Mode, Overlays, Owner, PresetInfo, Scale, GALLERY,
    KEYS,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn lattice(r: &mut SmallRng) -> f64 {
    f64::from(r.random_range(-6000i32..=6000)) / 1024.0
}

fn random_config(r: &mut SmallRng) -> Config {
    let mut c = Config::default();
    c.mode = match r.random_range(0..5) {
        0 => Mode::Points(None),
        1 => Mode::Energy(Energy::ALL[r.random_range(0..4)].into()),
        2 => {
            let g = GALLERY[r.random_range(0..GALLERY.len())];
            Mode::Energy(TypedEnergy::new(g.formula).expect("gallery fits").into())
        }
        _ => Mode::Points(Some(PresetInfo {
            preset: Preset::ALL[r.random_range(0..Preset::ALL.len())],
            n: r.random_range(1..=600),
            noise: f64::from(r.random_range(0..=100)) / 20.0,
            seed: r.random(),
        })),
    };
    c.points = match c.mode.clone() {
        Mode::Points(Some(p)) if r.random_bool(0.7) => p.generate(),
        _ => (0..r.random_range(0..300))
            .map(|_| [lattice(r), lattice(r)])
            .collect(),
    };
    let k = if r.random_bool(0.3) {
        r.random_range(0..=5)
    } else {
        r.random_range(0..=64)
    };
    let heavy = k <= 5;
    c.kinds = (0..k)
        .map(|_| loop {
            let kind = LayerKind::ALL[r.random_range(0..LayerKind::ALL.len())];
            let coupling = matches!(kind, LayerKind::Affine(_) | LayerKind::Spline(_));
            if heavy || !coupling {
                break kind;
            }
        })
        .collect();
    c.seed = r.random();
    c.params = if r.random_bool(0.3) {
        Vec::new()
    } else {
        // A trained stack: the initialisation moved by noise.
        init_params(&c.kinds, Init::Default, c.seed)
            .into_iter()
            .map(|p| p + r.random_range(-0.5..0.5))
            .collect()
    };
    let t = &mut c.train;
    t.lr = 10f64.powf(r.random_range(-6.0..6.0));
    t.batch = r.random_range(1..=8192);
    t.anneal = r.random_bool(0.5);
    t.anneal_steps = if r.random_bool(0.5) {
        10_000
    } else {
        r.random_range(10..=1_000_000)
    };
    t.clip = r
        .random_bool(0.6)
        .then(|| 10f64.powf(r.random_range(-3.0..6.0)));
    t.step = r.random_range(0..1_000_000);
    let v = &mut c.view;
    v.stage = r.random_range(0.0..=1.0) * k as f64;
    v.playing = r.random_bool(0.5);
    v.speed = r.random_range(0.01..=100.0);
    v.looping = r.random_bool(0.5);
    let f = |r: &mut SmallRng| r.random_bool(0.5);
    v.overlays = Overlays {
        grid: f(r),
        particles: f(r),
        data: f(r),
        contours: f(r),
        volume: f(r),
        stretch: f(r),
        field: f(r),
        paths: f(r),
        trails: f(r),
    };
    v.scale = if f(r) { Scale::Log } else { Scale::Linear };
    v.center = [lattice(r), lattice(r)];
    v.half_extent = r.random_range(0.01..100.0);
    v.selected = (k > 0 && f(r)).then(|| r.random_range(0..k));
    v.trace_probes = [0, 1, 10, 255][r.random_range(0..4)];
    c.embed = EmbedConfig {
        embed: f(r),
        hide: ["tools", "train", "model", "share"]
            .into_iter()
            .filter(|_| r.random_bool(0.3))
            .map(String::from)
            .collect(),
    };
    c.lesson = f(r).then(|| Lesson::ALL[r.random_range(0..Lesson::ALL.len())]);
    c.compare = f(r).then(|| Compare::ALL[r.random_range(0..Compare::ALL.len())]);
    c.sanitize(); // e.g. a batch over the memory budget for a heavy stack
    c
}

fn parts(c: &Config) -> ViewParts {
    ViewParts {
        view: c.view.clone(),
        embed: c.embed.clone(),
        lesson: c.lesson,
        compare: c.compare,
    }
}

/// A session showing `c`, and the config it gives back.
fn through_session(c: &Config) -> (Session, Config) {
    let mut s = Session::new();
    let _ = s.apply_config(c); // unusable data still shows a model; the link keeps it
    let back = s.to_config(parts(c));
    (s, back)
}

/// Each key's value in a link, by name.
fn values(link: &str) -> Vec<(String, String)> {
    link.split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn sessions_survive_session_link_session_exactly_and_every_key_is_exercised() {
    let default_link = values(&state::encode(&Config::default()));
    let default_of = |k: &str| {
        default_link
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    let mut exercised = BTreeSet::new();
    let mut r = SmallRng::seed_from_u64(0x11_4B);
    for case in 0..160 {
        let c = random_config(&mut r);
        let (s1, c1) = through_session(&c);
        assert!(c1.check().is_ok(), "case {case}: {:?}", c1.check());
        let link = state::encode(&c1);
        let (c2, warnings) = state::decode(&link);
        assert!(warnings.is_empty(), "case {case}: {warnings:?}");
        assert_eq!(c2, c1, "case {case}: link → config");
        let (s2, c3) = through_session(&c2);
        assert_eq!(c3, c1, "case {case}: config → session → config");
        // The session itself, beyond what the config shows.
        assert_eq!(s2.flow().params(), s1.flow().params(), "case {case}");
        assert_eq!(s2.trainer().hyper(), s1.trainer().hyper(), "case {case}");
        assert_eq!(s2.trainer().step_count(), c.train.step, "case {case}");
        assert_eq!(s2.mode(), s1.mode(), "case {case}");
        assert_eq!(s2.points(), s1.points(), "case {case}");
        assert_eq!(s2.anneal(), s1.anneal(), "case {case}");
        for (k, v) in values(&link) {
            if default_of(&k) != Some(v) {
                exercised.insert(k);
            }
        }
    }
    // `v` is the format's own key: one value (a newer one is tested in `state_codec.rs`).
    let missing: Vec<&str> = KEYS
        .iter()
        .filter(|k| k.owner != Owner::Format)
        .map(|k| k.name)
        .filter(|n| !exercised.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "keys never given a non-default value: {missing:?}"
    );
}

/// The fault that started the table: `clip=off` was applied on load but written back as 100.
#[test]
fn clip_off_survives_load_reload_and_share() {
    let (c, w) = state::decode("v=1&mode=moons&K=8&clip=off");
    assert!(w.is_empty());
    let (s, back) = through_session(&c);
    assert_eq!(s.trainer().hyper().clip, None);
    assert_eq!(back.train.clip, None);
    assert!(state::encode(&back).contains("clip=off"));
}

/// A retired key still loads (silently); the table does not write it.
#[test]
fn retired_keys_load_silently() {
    let (c, w) = state::decode("v=1&mode=moons&spf=20&lr=0.01");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(c.train.lr, 0.01);
    assert!(!state::encode(&c).contains("spf"));
}

/// The README lists the same keys as the table, in the same order.
#[test]
fn the_readme_lists_the_tables_keys() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let start = readme
        .find("| key | values | default | meaning |")
        .expect("README has the key table");
    let listed: Vec<&str> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('`').nth(1))
        .collect();
    let table: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
    assert_eq!(listed, table);
}
