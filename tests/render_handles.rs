//! The layer editor's pure geometry (`render::handles`) against the engine: handles ↔ raw
//! parameters round trip, every drag gives an admissible layer, the drawn line is where
//! `wᵀz + b = 0`, the `û` arrow is the engine's `û`, and the stage bookkeeping matches the flow.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::layer::RAW_PARAM_LIMIT;
use flow_playground::core::num::softplus;
use flow_playground::core::{Direction, Flow, Layer, LayerKind, Planar, Radial, Workspace};
use flow_playground::render::handles::{
    apply_drag, first_dependent_stage, input_stage, insert_for_stage, layer_at_input_stage,
    layer_handles, new_planar_at, new_radial_at, output_stage, planar_anchor, planar_drag,
    planar_handles, radial_drag, radial_from, radial_handles, Handle, HandlePlacement,
    LayerHandles, PlanarHandle, RadialHandle, ALPHA_MIN, GAMMA_REL_MIN, UHAT_GAP, W_NORM_MIN,
};
use flow_playground::render::ViewTransform;
use proptest::prelude::*;

const WINDOW: [f64; 4] = [-4.0, 4.0, -4.0, 4.0];

/// `|a − b| ≤ tol·(1 + |b|)`: round trips are exact up to a few ulps of the values involved;
/// 1e−9 leaves room for the `softplus⁻¹∘softplus` and anchor subtractions (errors ~1e−14 here).
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

fn assert_planar_eq(a: &Planar, b: &Planar, tol: f64, what: &str) {
    let (pa, pb) = (Layer::Planar(*a).params(), Layer::Planar(*b).params());
    for (x, y) in pa.iter().zip(&pb) {
        assert!(close(*x, *y, tol), "{what}: {pa:?} vs {pb:?}");
    }
}

fn assert_radial_eq(a: &Radial, b: &Radial, tol: f64, what: &str) {
    let (pa, pb) = (Layer::Radial(*a).params(), Layer::Radial(*b).params());
    for (x, y) in pa.iter().zip(&pb) {
        assert!(close(*x, *y, tol), "{what}: {pa:?} vs {pb:?}");
    }
}

/// Admissible: finite raw values within the limit, finite log-dets, and an exact inverse.
fn assert_admissible(layer: &Layer, what: &str) {
    let p = layer.params();
    assert!(
        p.iter()
            .all(|x| x.is_finite() && x.abs() <= RAW_PARAM_LIMIT),
        "{what}: raw params {p:?}"
    );
    if let Layer::Planar(pl) = layer {
        assert!(
            pl.w[0].hypot(pl.w[1]) >= W_NORM_MIN * (1.0 - 1e-12),
            "{what}: ‖w‖ too small: {pl:?}"
        );
        // κ = 1 + wᵀû = softplus(wᵀu) > 0 (the engine floors it at 1e−100, so wᵀû = −1 can
        // hold in floats for a very negative wᵀu).
        assert!(pl.map(1.0).kappa > 0.0, "{what}: 1 + wᵀû ≤ 0");
    }
    if let Layer::Radial(r) = layer {
        // γ = α + β = softplus(β̂) > 0 (floored at 1e−100, so β = −α can hold in floats).
        assert!(r.map(1.0).gamma > 0.0, "{what}: γ = α + β ≤ 0");
        assert!(r.alpha() >= ALPHA_MIN * (1.0 - 1e-12) || r.alpha() > 0.0);
    }
    let map = layer.map(1.0);
    for &z in &[
        [0.0, 0.0],
        [1.5, -0.7],
        [-3.0, 2.0],
        [10.0, 10.0],
        [-0.01, 0.02],
    ] {
        let (y, ld) = map.forward(z);
        assert!(ld.is_finite(), "{what}: log det {ld} at {z:?}");
        assert!(
            y[0].is_finite() && y[1].is_finite(),
            "{what}: f({z:?}) = {y:?}"
        );
        let back = layer
            .inverse(y)
            .unwrap_or_else(|| panic!("{what}: no inverse at {y:?}"));
        assert!(
            back[0].is_finite() && back[1].is_finite(),
            "{what}: f⁻¹(y) = {back:?}"
        );
        // The round trip's accuracy degrades with the layer's stiffness ‖û‖·‖w‖ (cancellation
        // in z = y − û·tanh(a)); check it where that is moderate. At 1e4 a random drag found
        // 6e-8 where 3e-8 was allowed (the root finder's tolerance times the stiffness), so the
        // check stops at 1e3, where the error stays far inside 1e-8.
        let stiffness = match layer {
            Layer::Planar(pl) => {
                pl.u_hat()[0].hypot(pl.u_hat()[1]) * (1.0 + pl.w[0].hypot(pl.w[1]))
            }
            Layer::Radial(r) => r.beta().abs() / r.alpha(),
            _ => 0.0,
        };
        if stiffness > 1e3 {
            continue;
        }
        let (y2, _) = map.forward(back);
        let scale = 1.0 + y[0].abs().max(y[1].abs());
        assert!(
            (y2[0] - y[0]).abs() <= 1e-8 * scale && (y2[1] - y[1]).abs() <= 1e-8 * scale,
            "{what}: f(f⁻¹(y)) = {y2:?} vs y = {y:?}"
        );
    }
}

fn planar_strategy() -> impl Strategy<Value = Planar> {
    (
        -3.0..3.0f64,
        -3.0..3.0f64,
        0.05..5.0f64,
        -std::f64::consts::PI..std::f64::consts::PI,
        -5.0..5.0f64,
    )
        .prop_map(|(u0, u1, wn, wa, b)| Planar {
            u: [u0, u1],
            w: [wn * wa.cos(), wn * wa.sin()],
            b,
        })
}

fn radial_strategy() -> impl Strategy<Value = Radial> {
    (-4.0..4.0f64, -4.0..4.0f64, -4.0..4.0f64, -4.0..4.0f64).prop_map(|(x, y, a, b)| Radial {
        z0: [x, y],
        alpha_raw: a,
        beta_raw: b,
    })
}

fn any_raw() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0..10.0f64,
        -1e4..1e4f64,
        Just(0.0),
        Just(1e-9),
        Just(-RAW_PARAM_LIMIT),
        Just(RAW_PARAM_LIMIT),
    ]
}

fn any_target() -> impl Strategy<Value = [f64; 2]> {
    let c = prop_oneof![
        -6.0..6.0f64,
        -1e3..1e3f64,
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(1e12),
    ];
    (c.clone(), c).prop_map(|(x, y)| [x, y])
}

const PLANAR_HANDLES: [PlanarHandle; 4] = [
    PlanarHandle::Line,
    PlanarHandle::Normal,
    PlanarHandle::U,
    PlanarHandle::UHat,
];
const RADIAL_HANDLES: [RadialHandle; 3] = [
    RadialHandle::Centre,
    RadialHandle::Alpha,
    RadialHandle::Beta,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Dragging any planar handle to where it already is changes nothing.
    #[test]
    fn planar_drag_in_place_is_identity(p in planar_strategy(), px in -4.0..4.0f64, py in -4.0..4.0f64) {
        let h = planar_handles(&p, [px, py], WINDOW);
        let anchor = planar_anchor(&p, [px, py]);
        prop_assert_eq!(anchor, h.anchor);
        for which in PLANAR_HANDLES {
            // The û handle inverts softplus: well conditioned while wᵀu is not very negative
            // (at s = wᵀu the error grows like e^{−s}·1e−16).
            if which == PlanarHandle::UHat && h.w_dot_u < -8.0 {
                continue;
            }
            let q = planar_drag(&p, anchor, which, h.position(which));
            assert_planar_eq(&q, &p, 1e-9, &format!("{which:?}"));
        }
    }

    /// Dragging any radial handle to where it already is changes nothing.
    #[test]
    fn radial_drag_in_place_is_identity(r in radial_strategy(), a0 in -4.0..4.0f64, a1 in -4.0..4.0f64) {
        let h = radial_handles(&r, [a0, a1]);
        for which in RADIAL_HANDLES {
            let q = radial_drag(&r, which, h.position(which));
            assert_radial_eq(&q, &r, 1e-9, &format!("{which:?}"));
        }
    }

    /// Any drag of any handle, from any raw parameters to any target, gives an admissible layer.
    #[test]
    fn planar_drags_are_admissible(
        u0 in any_raw(), u1 in any_raw(), w0 in any_raw(), w1 in any_raw(), b in any_raw(),
        to in any_target(), pivot in any_target(),
    ) {
        let p = Planar::from_params(&[u0, u1, w0, w1, b]);
        let anchor = planar_anchor(&p, pivot);
        prop_assert!(anchor[0].is_finite() && anchor[1].is_finite());
        for which in PLANAR_HANDLES {
            let q = planar_drag(&p, anchor, which, to);
            prop_assert!(Layer::Planar(q).params().iter().all(|x| x.is_finite()));
            // The inverse check needs moderate parameters; beyond, finiteness is the contract.
            if q.w[0].abs().max(q.w[1].abs()).max(q.b.abs()) < 1e6 {
                assert_admissible(&Layer::Planar(q), &format!("{which:?} to {to:?} from {p:?}"));
            }
        }
    }

    /// Any drag of a radial handle gives an admissible layer.
    #[test]
    fn radial_drags_are_admissible(
        x in any_raw(), y in any_raw(), a in any_raw(), b in any_raw(), to in any_target(),
    ) {
        let r = Radial::from_params(&[x, y, a, b]);
        for which in RADIAL_HANDLES {
            let q = radial_drag(&r, which, to);
            prop_assert!(Layer::Radial(q).params().iter().all(|v| v.is_finite()));
            if q.z0[0].abs().max(q.z0[1].abs()) < 1e5 && q.alpha() < 1e5 && q.beta().abs() < 1e5 {
                assert_admissible(&Layer::Radial(q), &format!("{which:?} to {to:?} from {r:?}"));
            }
        }
    }

    /// The drawn line is where wᵀz + b = 0, its ends on the window's edge; the level lines are
    /// where wᵀz + b = ±1; the û arrow is the engine's û.
    #[test]
    fn planar_geometry_matches_the_engine(p in planar_strategy(), px in -4.0..4.0f64, py in -4.0..4.0f64) {
        let h = planar_handles(&p, [px, py], WINDOW);
        let a = |z: [f64; 2]| p.w[0] * z[0] + p.w[1] * z[1] + p.b;
        let tol = 1e-9 * (1.0 + p.b.abs() + 4.0 * (p.w[0].abs() + p.w[1].abs()));
        prop_assert!(a(h.anchor).abs() < tol, "anchor off the line: {}", a(h.anchor));
        for (line, level) in [(h.line, 0.0), (h.level_plus, 1.0), (h.level_minus, -1.0)] {
            if let Some(ends) = line {
                for e in ends {
                    prop_assert!((a(e) - level).abs() < tol, "a = {} on the level-{level} line", a(e));
                    let on_edge = [e[0] + 4.0, 4.0 - e[0], e[1] + 4.0, 4.0 - e[1]]
                        .iter()
                        .any(|d| d.abs() < 1e-9);
                    let inside = e.iter().all(|c| c.abs() <= 4.0 + 1e-9);
                    prop_assert!(on_edge && inside, "end {e:?} not on the window's edge");
                }
            }
        }
        // The anchor is inside the window here, so the line must be drawn.
        if h.anchor.iter().all(|c| c.abs() < 4.0) {
            prop_assert!(h.line.is_some());
        }
        let uh = p.u_hat();
        prop_assert_eq!(h.u_hat, uh);
        prop_assert!((h.u_hat_tip[0] - h.anchor[0] - uh[0]).abs() < 1e-12 * (1.0 + h.anchor[0].abs()));
        prop_assert!((h.u_hat_tip[1] - h.anchor[1] - uh[1]).abs() < 1e-12 * (1.0 + h.anchor[1].abs()));
        // wᵀû > −1 ⟺ the û tip lies beyond the level line a = −1.
        prop_assert!(close(a(h.u_hat_tip), h.w_dot_u_hat, 1e-9));
        prop_assert!(h.w_dot_u_hat > -1.0);
        prop_assert!(close(h.w_dot_u_hat, softplus(h.w_dot_u) - 1.0, 1e-12));
        // u − û is parallel to w (the reparametrisation moves u along w only).
        let d = [h.u_tip[0] - h.u_hat_tip[0], h.u_tip[1] - h.u_hat_tip[1]];
        prop_assert!((d[0] * p.w[1] - d[1] * p.w[0]).abs() < 1e-9 * (1.0 + d[0].abs() + d[1].abs()) * (1.0 + p.w[0].abs() + p.w[1].abs()));
    }

    /// Dragging the û tip puts û exactly there when that is admissible, and stops short of the
    /// wall a = −1 otherwise.
    #[test]
    fn uhat_drag_lands_or_stops_at_the_wall(p in planar_strategy(), tx in -4.0..4.0f64, ty in -4.0..4.0f64) {
        let anchor = planar_anchor(&p, [0.0, 0.0]);
        let to = [anchor[0] + tx, anchor[1] + ty];
        let q = planar_drag(&p, anchor, PlanarHandle::UHat, to);
        let uh = q.u_hat();
        let m = q.w[0] * uh[0] + q.w[1] * uh[1];
        let wanted = p.w[0] * tx + p.w[1] * ty;
        if wanted + 1.0 > UHAT_GAP * 1.01 && wanted < 20.0 {
            prop_assert!((uh[0] - tx).abs() < 1e-8 && (uh[1] - ty).abs() < 1e-8, "û = {uh:?}, wanted ({tx}, {ty})");
        } else if wanted + 1.0 <= UHAT_GAP {
            // Stops UHAT_GAP short of the wall, or where û was if that was closer.
            let stop = UHAT_GAP.min(softplus(p.w[0] * p.u[0] + p.w[1] * p.u[1]));
            prop_assert!((m + 1.0 - stop).abs() < 1e-8 * (1.0 + stop), "wᵀû = {m}");
        }
        prop_assert!(m > -1.0);
    }

    /// The drawn image ring is where f sends the α ring, and its radius is α + β/2.
    #[test]
    fn radial_image_ring_is_the_image(r in radial_strategy(), ang in -4.0..4.0f64) {
        let h = radial_handles(&r, [ang, ang]);
        let (y, _) = Layer::Radial(r).forward(h.alpha_tip);
        prop_assert!((y[0] - h.beta_tip[0]).abs() < 1e-9 * (1.0 + h.image_radius));
        prop_assert!((y[1] - h.beta_tip[1]).abs() < 1e-9 * (1.0 + h.image_radius));
        prop_assert!(close(h.image_radius, h.alpha + 0.5 * h.beta, 1e-12));
        prop_assert!(h.image_radius > h.fold_radius);
        prop_assert!(close(h.beta, r.beta(), 1e-12) && close(h.alpha, r.alpha(), 1e-12));
    }

    /// Pulling the β handle inside the fold ring stops at γ = GAMMA_REL_MIN·α, still invertible.
    #[test]
    fn beta_drag_cannot_fold(r in radial_strategy(), frac in 0.0..0.5f64) {
        let alpha = r.alpha();
        let q = radial_drag(&r, RadialHandle::Beta, [r.z0[0] + frac * alpha, r.z0[1]]);
        prop_assert!(q.beta() > -q.alpha());
        prop_assert!(q.alpha() + q.beta() >= GAMMA_REL_MIN * alpha * (1.0 - 1e-9));
        assert_admissible(&Layer::Radial(q), "β drag inside the fold ring");
    }

    /// The α drag keeps γ/α (the magnification at the centre).
    #[test]
    fn alpha_drag_keeps_centre_magnification(r in radial_strategy(), to in 0.01..5.0f64) {
        let q = radial_drag(&r, RadialHandle::Alpha, [r.z0[0], r.z0[1] + to]);
        prop_assert!(close(q.alpha(), to, 1e-9));
        let (g0, g1) = (r.alpha() + r.beta(), q.alpha() + q.beta());
        if g0 / r.alpha() > GAMMA_REL_MIN * 2.0 {
            prop_assert!(close(g1 / q.alpha(), g0 / r.alpha(), 1e-9));
        }
    }

    /// Picking at a handle's own canvas position returns a handle at that position.
    #[test]
    fn pick_finds_the_handle(p in planar_strategy(), r in radial_strategy()) {
        let view = ViewTransform::new(600.0, 600.0);
        for layer in [Layer::Planar(p), Layer::Radial(r)] {
            let hs = layer_handles(&layer, HandlePlacement::at([0.5, -0.25]), WINDOW);
            let all: Vec<Handle> = match layer {
                Layer::Planar(_) => PLANAR_HANDLES.iter().map(|h| Handle::Planar(*h)).collect(),
                Layer::Radial(_) => RADIAL_HANDLES.iter().map(|h| Handle::Radial(*h)).collect(),
                _ => Vec::new(),
            };
            for h in all {
                let pos = hs.position(h).expect("same kind");
                let at = view.canvas_from_data(pos);
                if let Some(got) = hs.pick(&view, at, 12.0) {
                    let gp = view.canvas_from_data(hs.position(got).expect("same kind"));
                    // Either that handle or one drawn at (almost) the same spot.
                    let d = (gp[0] - at[0]).hypot(gp[1] - at[1]);
                    prop_assert!(d <= 12.0 + 1e-9, "picked {got:?} {d}px away from {h:?}");
                } else if !matches!(h, Handle::Planar(PlanarHandle::U)) {
                    prop_assert!(false, "nothing picked at {h:?}");
                }
            }
        }
    }
}

#[test]
fn apply_drag_dispatches_and_ignores_the_other_kind() {
    let p = Layer::Planar(Planar {
        u: [0.3, -0.2],
        w: [1.0, 0.5],
        b: 0.2,
    });
    let moved = apply_drag(
        &p,
        [0.0, 0.0],
        Handle::Planar(PlanarHandle::Line),
        [1.0, 1.0],
    );
    let Layer::Planar(m) = moved else {
        panic!("kind changed")
    };
    assert!((m.w[0] + m.w[1] + m.b).abs() < 1e-12, "line through (1, 1)");
    assert_eq!(
        apply_drag(
            &p,
            [0.0, 0.0],
            Handle::Radial(RadialHandle::Centre),
            [9.0, 9.0]
        ),
        p
    );
}

#[test]
fn kinds_without_handles_show_none_and_ignore_drags() {
    for kind in LayerKind::ALL {
        // Planar and radial have their handles here, Sylvester in render_sylvester_handles.
        if matches!(
            kind,
            LayerKind::Planar | LayerKind::Radial | LayerKind::Sylvester
        ) {
            continue;
        }
        let raw: Vec<f64> = (0..kind.n_params()).map(|i| 0.01 * i as f64).collect();
        let layer = Layer::from_params(kind, &raw);
        let hs = layer_handles(&layer, HandlePlacement::at([0.0, 0.0]), WINDOW);
        assert_eq!(hs, LayerHandles::None, "{kind:?}");
        let view = ViewTransform::new(600.0, 600.0);
        assert_eq!(hs.pick(&view, [300.0, 300.0], 1e9), None);
        assert_eq!(hs.position(Handle::Radial(RadialHandle::Centre)), None);
        for h in [
            Handle::Planar(PlanarHandle::Line),
            Handle::Radial(RadialHandle::Centre),
        ] {
            assert_eq!(apply_drag(&layer, [0.0, 0.0], h, [1.0, 2.0]), layer);
        }
    }
}

#[test]
fn a_far_off_line_is_not_drawn_and_a_tiny_w_is_degenerate() {
    let far = Planar {
        u: [0.1, 0.1],
        w: [1.0, 0.0],
        b: -100.0,
    };
    let h = planar_handles(&far, [100.0, 0.0], WINDOW);
    assert!(h.line.is_none() && !h.degenerate);
    let tiny = Planar {
        u: [0.1, 0.1],
        w: [1e-5, 0.0],
        b: 3.0,
    };
    let h = planar_handles(&tiny, [0.5, 0.5], WINDOW);
    assert!(h.degenerate && h.line.is_none());
    assert_eq!(h.anchor, [0.5, 0.5]);
    // Dragging its normal gives a real line through the anchor.
    let q = planar_drag(&tiny, h.anchor, PlanarHandle::Normal, [0.5, 1.5]);
    assert!((q.w[0] * 0.5 + q.w[1] * 0.5 + q.b).abs() < 1e-12);
    assert_admissible(&Layer::Planar(q), "normal drag from a degenerate layer");
    // Dragging the normal onto the anchor keeps a minimal normal in the old direction.
    let q = planar_drag(&far, [100.0, 0.0], PlanarHandle::Normal, [100.0, 0.0]);
    assert!((q.w[0] - W_NORM_MIN).abs() < 1e-15 && q.w[1] == 0.0);
}

#[test]
fn stages_match_the_flow() {
    for dir in [Direction::Generative, Direction::Normalizing] {
        for k in 0..6usize {
            for i in 0..k {
                let s = input_stage(dir, k, i);
                assert_eq!(
                    layer_at_input_stage(dir, k, s),
                    Some(i),
                    "{dir:?} K={k} i={i}"
                );
                let o = output_stage(dir, k, i);
                assert_eq!(o.abs_diff(s), 1);
            }
        }
    }
}

/// Inserting an identity layer where [`insert_for_stage`] says leaves the picture at the old
/// stage `s` in place at the new layer's input stage: the new layer's formula takes its input
/// in exactly the space that was on screen.
#[test]
fn insertion_keeps_the_shown_space() {
    let kinds = [
        LayerKind::Planar,
        LayerKind::Radial,
        LayerKind::Planar,
        LayerKind::Planar,
    ];
    let params =
        flow_playground::core::init_params(&kinds, flow_playground::core::Init::Default, 7);
    let mut ws = Workspace::default();
    for dir in [Direction::Generative, Direction::Normalizing] {
        let old = Flow::with_params(&kinds, &params, dir).unwrap();
        for s in 0..=kinds.len() {
            let (at, new_stage) = insert_for_stage(dir, kinds.len(), s as f64);
            let mut new_kinds = kinds.to_vec();
            new_kinds.insert(at, LayerKind::Planar);
            let mut new_params = params.clone();
            let offset: usize = kinds[..at].iter().map(|k| k.n_params()).sum();
            for _ in 0..5 {
                new_params.insert(offset, 0.0); // zero planar = identity
            }
            let new = Flow::with_params(&new_kinds, &new_params, dir).unwrap();
            assert_eq!(input_stage(dir, new.len(), at), new_stage);
            let (mut x0, mut y0) = (vec![0.3, -1.2, 2.0], vec![0.7, 0.1, -0.4]);
            let (mut x1, mut y1) = (x0.clone(), y0.clone());
            old.push_to_stage(s as f64, &mut x0, &mut y0, &mut ws);
            new.push_to_stage(new_stage as f64, &mut x1, &mut y1, &mut ws);
            for i in 0..3 {
                assert!(
                    (x0[i] - x1[i]).abs() < 1e-9 && (y0[i] - y1[i]).abs() < 1e-9,
                    "{dir:?} s={s}: ({}, {}) vs ({}, {})",
                    x0[i],
                    y0[i],
                    x1[i],
                    y1[i]
                );
            }
        }
    }
}

#[test]
fn new_layers_sit_where_clicked_and_are_admissible() {
    for at in [[0.0, 0.0], [1.5, -2.0], [-3.9, 3.9]] {
        let p = new_planar_at(at, [0.0, 0.0]);
        assert!((p.w[0] * at[0] + p.w[1] * at[1] + p.b).abs() < 1e-12);
        assert_admissible(&Layer::Planar(p), "new planar");
        for dir in [Direction::Generative, Direction::Normalizing] {
            let r = new_radial_at(at, dir);
            assert_eq!(r.z0, at);
            assert!((r.alpha() - 0.5).abs() < 1e-12);
            assert_admissible(&Layer::Radial(r), "new radial");
        }
    }
    let r = radial_from([0.0, 0.0], 1.0, -5.0);
    assert!(r.beta() > -r.alpha());
    let r = radial_from([0.0, 0.0], f64::NAN, f64::INFINITY);
    assert_admissible(&Layer::Radial(r), "radial_from(NaN, ∞)");
}

/// Changing layer `i` changes the density at stage `s` exactly when
/// `s ≥ first_dependent_stage(i)` (the editor redraws only those thumbnails while dragging).
#[test]
fn first_dependent_stage_matches_the_densities() {
    let kinds = [
        LayerKind::Planar,
        LayerKind::Radial,
        LayerKind::Planar,
        LayerKind::Planar,
        LayerKind::Radial,
    ];
    let params =
        flow_playground::core::init_params(&kinds, flow_playground::core::Init::Default, 11);
    let (xs, ys) = (vec![0.3, -1.1, 1.7, 0.0], vec![0.2, 0.9, -1.4, -0.3]);
    let mut ws = Workspace::default();
    for dir in [Direction::Generative, Direction::Normalizing] {
        let flow = Flow::with_params(&kinds, &params, dir).unwrap();
        for i in 0..kinds.len() {
            let mut edited = flow.clone();
            let r = edited.param_range(i);
            for p in &mut edited.params_mut()[r] {
                *p += 0.3;
            }
            let first = first_dependent_stage(dir, kinds.len(), i);
            for s in 0..=kinds.len() {
                let (mut a, mut b) = (vec![0.0; 4], vec![0.0; 4]);
                flow.log_density(s as f64, &xs, &ys, &mut a, &mut ws);
                edited.log_density(s as f64, &xs, &ys, &mut b, &mut ws);
                let changed = a.iter().zip(&b).any(|(p, q)| (p - q).abs() > 1e-12);
                assert_eq!(changed, s >= first, "{dir:?} layer {i} stage {s}");
            }
        }
    }
}
