//! Lessons and comparisons: every lesson is a valid state that survives a link, and each one
//! sets up what its caption says (checked with the layer formulas written out here).
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::{Direction, Energy, Flow, LayerKind, Workspace};
use flow_playground::state::{decode, encode, Compare, Config, Lesson, Mode};

#[test]
fn every_lesson_is_a_valid_state_that_round_trips_through_a_link() {
    for l in Lesson::ALL {
        let c = l.config();
        assert!(c.check().is_ok(), "{l:?}: {:?}", c.check());
        assert_eq!(c.lesson, Some(l));
        assert_eq!(c.view.stage, c.kinds.len() as f64, "{l:?} shows the model");
        let text = encode(&c);
        assert!(text.contains(&format!("lesson={}", l.slug())), "{text}");
        let (d, w) = decode(&text);
        assert!(w.is_empty(), "{l:?}: {w:?}");
        assert_eq!(d, c, "{l:?}");
        assert_eq!(Lesson::parse(l.slug()), Some(l));
        assert!(!l.caption().is_empty() && l.caption().len() < 260, "{l:?}");
    }
    // Slugs are distinct.
    let mut slugs: Vec<_> = Lesson::ALL.iter().map(|l| l.slug()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), Lesson::ALL.len());
}

#[test]
fn unknown_lessons_and_comparisons_are_ignored_with_a_warning() {
    let (c, w) = decode("lesson=fig9&cmp=everything&lr=0.01");
    assert_eq!((c.lesson, c.compare), (None, None));
    assert_eq!(c.train.lr, 0.01);
    assert!(w.iter().any(|w| w.key == "lesson"), "{w:?}");
    assert!(
        w.iter()
            .any(|w| w.key == "cmp" && w.message.contains("kinds, depths, families")),
        "{w:?}"
    );
    // Case does not matter.
    let (c, w) = decode("lesson=FIG3-U2&cmp=Depths");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(c.lesson, Some(Lesson::Figure3(Energy::U2)));
    assert_eq!(c.compare, Some(Compare::Depths));
    // The residual comparison's sizes (K = M = 1, 2, 8, 32): `residual` is 8, the others by name,
    // each round trips through a link and compares planar K = n with the planar CNF of width n.
    assert_eq!(Compare::parse("residual"), Some(Compare::Residual(8)));
    for n in [1u8, 2, 8, 32] {
        let c = Compare::Residual(n);
        assert_eq!(Compare::parse(c.slug()), Some(c));
        assert_eq!(c.menu_entry(), Compare::Residual(8));
        let e = c.entries(1);
        assert_eq!(e[0].kinds, vec![LayerKind::Planar; usize::from(n)]);
        assert_eq!(
            e[1].kinds,
            vec![LayerKind::Cnf(flow_playground::core::cnf::CnfSpec::planar(
                n
            ))]
        );
        assert_eq!(e[1].label, format!("continuous planar M = {n}"));
        let (d, w) = decode(&format!("mode=u3&cmp={}", c.slug()));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(d.compare, Some(c));
    }
    assert_eq!(Compare::parse("residual-5"), None);
}

#[test]
fn figure_3_lessons_compare_k_2_8_32_planar_on_their_energy() {
    for (i, e) in Energy::ALL.into_iter().enumerate() {
        let c = Lesson::Figure3(e).config();
        assert_eq!(c.mode, Mode::Energy(e.into()));
        assert_eq!(c.compare, Some(Compare::Depths));
        assert_eq!(Lesson::ALL[i], Lesson::Figure3(e));
    }
    let depths: Vec<usize> = Compare::Depths
        .entries(16)
        .iter()
        .map(|e| e.kinds.len())
        .collect();
    assert_eq!(depths, [2, 8, 32]);
    assert!(Compare::Depths
        .entries(16)
        .iter()
        .all(|e| e.kinds.iter().all(|k| *k == LayerKind::Planar)));
    let kinds = Compare::Kinds.entries(12);
    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds[0].kinds, vec![LayerKind::Planar; 12]);
    assert_eq!(kinds[1].kinds, vec![LayerKind::Radial; 12]);
    assert_eq!(kinds[1].label, "radial K = 12");
    // A comparison never has an empty flow.
    assert!(Compare::Kinds.entries(0).iter().all(|e| e.kinds.len() == 1));
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// û of a planar layer from its raw parameters (the paper's appendix A, written out here).
fn u_hat(p: &[f64]) -> ([f64; 2], [f64; 2]) {
    let (u, w) = ([p[0], p[1]], [p[2], p[3]]);
    let wu = w[0] * u[0] + w[1] * u[1];
    let m = -1.0 + softplus(wu);
    let ww = w[0] * w[0] + w[1] * w[1];
    (
        [u[0] + (m - wu) * w[0] / ww, u[1] + (m - wu) * w[1] / ww],
        w,
    )
}

#[test]
fn the_constraint_lesson_has_a_folding_raw_u_and_an_invertible_u_hat() {
    let c = Lesson::Constraint.config();
    assert_eq!(c.kinds, vec![LayerKind::Planar]);
    let p = &c.params;
    let raw = p[0] * p[2] + p[1] * p[3];
    assert!(
        (raw - -4.0).abs() < 1e-12,
        "raw wᵀu = {raw}, the caption says −4"
    );
    let (uh, w) = u_hat(p);
    let wuh = w[0] * uh[0] + w[1] * uh[1];
    assert!(wuh > -1.0 && wuh < -0.95, "wᵀû = {wuh}");
    // The raw u would fold: f(z) = z + u·tanh(wᵀz) has det 1 + sech²(wᵀz)·wᵀu = −3 at wᵀz = 0.
    assert!(1.0 + raw < 0.0);
    // û does not: the smallest det, at wᵀz + b = 0, is 1 + wᵀû > 0 but small (strong squeeze).
    let det_min = 1.0 + wuh;
    assert!(det_min > 0.0 && det_min < 0.05, "{det_min}");
    assert!(c.view.overlays.volume, "the lesson shows the volume change");
}

#[test]
fn the_one_layer_lesson_splits_the_gaussian_in_two() {
    let c = Lesson::OneLayer.config();
    let flow = Flow::with_params(&c.kinds, &c.params, Direction::Generative).unwrap();
    let mut ws = Workspace::default();
    // Along the x axis (w = (3, 0)), the density at stage 1 has two peaks and a trough at 0.
    let xs: Vec<f64> = (-300..=300).map(|i| i as f64 / 100.0).collect();
    let ys = vec![0.0; xs.len()];
    let mut ld = vec![0.0; xs.len()];
    flow.log_density(1.0, &xs, &ys, &mut ld, &mut ws);
    let mid = xs.len() / 2;
    let (left, right) = (&ld[..mid], &ld[mid + 1..]);
    let max_l = left.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let max_r = right.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    assert!(
        max_l > ld[mid] + 1.0 && max_r > ld[mid] + 1.0,
        "{max_l} {} {max_r}",
        ld[mid]
    );
    // Stage 0 is the standard Gaussian: peak at the origin.
    flow.log_density(0.0, &xs, &ys, &mut ld, &mut ws);
    let expect = -(2.0 * std::f64::consts::PI).ln();
    assert!((ld[mid] - expect).abs() < 1e-12);
}

#[test]
fn an_embedded_lesson_keeps_its_caption_and_comparison_unless_hidden() {
    let (c, w) = decode("lesson=fig3-u1&cmp=depths&embed=1");
    assert!(w.is_empty(), "{w:?}");
    assert!(c.embed.is_hidden("train") && c.embed.is_hidden("lessons"));
    assert!(!c.embed.is_hidden("caption") && !c.embed.is_hidden("compare"));
    let (c, _) = decode("lesson=fig3-u1&cmp=depths&embed=1&hide=compare");
    assert!(c.embed.is_hidden("compare") && !c.embed.is_hidden("caption"));
}

#[test]
fn a_lesson_is_only_its_config() {
    // Applying a lesson twice gives the same state (nothing random outside the config).
    for l in Lesson::ALL {
        assert_eq!(l.config(), l.config());
    }
    assert_eq!(Config::default().lesson, None);
}

#[test]
fn the_annealing_length_travels_in_links_and_bad_values_are_ignored() {
    let c = Lesson::Figure3(Energy::U3).config();
    assert!(c.train.anneal);
    assert_eq!(
        c.train.anneal_steps,
        flow_playground::state::ANNEAL_STEPS_FAST
    );
    assert!(encode(&c).contains("&asteps=1500&"));
    // The paper's default is not written.
    assert!(!encode(&Config::default()).contains("asteps"));
    let (d, w) = decode("asteps=0&lr=0.02");
    assert_eq!(
        d.train.anneal_steps,
        flow_playground::state::ANNEAL_STEPS_PAPER
    );
    assert_eq!(d.train.lr, 0.02);
    assert!(
        w.iter()
            .any(|w| w.key == "asteps" && w.message.contains("10 to 1000000")),
        "{w:?}"
    );
}

#[test]
fn the_selected_layer_travels_in_links_and_out_of_range_is_dropped() {
    let mut c = Lesson::OneLayer.config();
    c.view.selected = Some(0);
    let text = encode(&c);
    assert!(text.contains("&sel=1&"), "{text}");
    assert_eq!(decode(&text), (c, Vec::new()));
    let (d, w) = decode("K=4&sel=9");
    assert_eq!(d.view.selected, None);
    assert!(
        w.iter()
            .any(|w| w.key == "sel" && w.message.contains("only 4 layers")),
        "{w:?}"
    );
    let (d, w) = decode("K=4&sel=0");
    assert_eq!(d.view.selected, None);
    assert!(w.iter().any(|w| w.key == "sel"), "{w:?}");
}
