//! The Sylvester layer's handles against the layer's own definition: the lines' crossing is a
//! fixed point of the map (both tanh vanish there), each line is where its pre-activation
//! `aᵢ = (R̃ Qᵀ z + b)ᵢ` — written out here from the raw parameters — is zero, and the drags do
//! what they say (the centre follows the pointer; the arm turns Q about a centre that stays).
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::sylvester::Sylvester;
use flow_playground::core::{Layer, Vec2};
use flow_playground::render::handles::{
    apply_drag, layer_handles, Handle, HandlePlacement, LayerHandles,
};
use flow_playground::render::sylvester_handles::{
    sylvester_centre, sylvester_drag, sylvester_handles, SylvesterHandle, ARM,
};

/// The pre-activations `a = R̃ Qᵀ z + b` from the raw parameters (r̃ᵢᵢ = e^λᵢ).
fn preactivation(s: &Sylvester, z: Vec2) -> Vec2 {
    let (sn, cs) = s.theta.sin_cos();
    let v = [cs * z[0] + sn * z[1], -sn * z[0] + cs * z[1]];
    [
        s.lambda[0].exp() * v[0] + s.rt12 * v[1] + s.b[0],
        s.lambda[1].exp() * v[1] + s.b[1],
    ]
}

fn layers() -> Vec<Sylvester> {
    let mut seed = 99u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    };
    (0..50)
        .map(|_| {
            let p: Vec<f64> = (0..9)
                .map(|i| if i == 0 { 3.0 * next() } else { next() })
                .collect();
            Sylvester::from_params(&p)
        })
        .collect()
}

#[test]
fn the_centre_is_a_fixed_point_where_both_lines_cross() {
    for s in layers() {
        let c = sylvester_centre(&s);
        let a = preactivation(&s, c);
        assert!(a[0].abs() < 1e-9 && a[1].abs() < 1e-9, "{s:?}: a = {a:?}");
        let (fc, _) = Layer::Sylvester(s).forward(c);
        assert!(
            (fc[0] - c[0]).abs() < 1e-9 && (fc[1] - c[1]).abs() < 1e-9,
            "f(c) = {fc:?}, c = {c:?}"
        );
        let h = sylvester_handles(&s, [-50.0, 50.0, -50.0, 50.0]);
        for (line, i) in [(h.line1, 0), (h.line2, 1)] {
            let [p, q] = line.expect("the line crosses the window");
            for t in [0.0, 0.3, 0.77, 1.0] {
                let z = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
                assert!(
                    preactivation(&s, z)[i].abs() < 1e-8,
                    "line {} off a{} = 0",
                    i + 1,
                    i + 1
                );
            }
        }
        let arm = [h.rotation_tip[0] - c[0], h.rotation_tip[1] - c[1]];
        assert!((arm[0].hypot(arm[1]) - ARM).abs() < 1e-12);
        assert!((arm[1].atan2(arm[0]) - s.theta.sin().atan2(s.theta.cos())).abs() < 1e-9);
    }
}

#[test]
fn drags_move_the_centre_and_turn_about_it() {
    for s in layers() {
        // The centre follows the pointer; θ and the stretches stay.
        let to = [0.7, -1.3];
        let moved = sylvester_drag(&s, SylvesterHandle::Centre, to);
        let c = sylvester_centre(&moved);
        assert!((c[0] - to[0]).abs() < 1e-9 && (c[1] - to[1]).abs() < 1e-9);
        assert_eq!(
            (moved.theta, moved.lambda, moved.rho, moved.r12, moved.rt12),
            (s.theta, s.lambda, s.rho, s.r12, s.rt12)
        );
        // The arm turns Q so that q₁ points at the pointer; the centre stays.
        let c0 = sylvester_centre(&s);
        let aim = [c0[0] - 0.4, c0[1] + 2.0];
        let turned = sylvester_drag(&s, SylvesterHandle::Rotation, aim);
        let c1 = sylvester_centre(&turned);
        assert!((c1[0] - c0[0]).abs() < 1e-9 && (c1[1] - c0[1]).abs() < 1e-9);
        let q1 = [turned.theta.cos(), turned.theta.sin()];
        let d = [aim[0] - c0[0], aim[1] - c0[1]];
        let cross = q1[0] * d[1] - q1[1] * d[0];
        assert!(
            cross.abs() < 1e-9 && q1[0] * d[0] + q1[1] * d[1] > 0.0,
            "q₁ does not point at the pointer"
        );
        assert!(
            (turned.theta - s.theta).abs() <= std::f64::consts::PI + 1e-9,
            "θ jumped a turn"
        );
        // A non-finite target changes nothing.
        assert_eq!(
            sylvester_drag(&s, SylvesterHandle::Centre, [f64::NAN, 0.0]),
            s
        );
    }
}

#[test]
fn the_editor_picks_and_drags_sylvester_handles() {
    let s = layers()[3];
    let layer = Layer::Sylvester(s);
    let LayerHandles::Sylvester(h) = layer_handles(
        &layer,
        HandlePlacement::at([0.0, 0.0]),
        [-50.0, 50.0, -50.0, 50.0],
    ) else {
        panic!("Sylvester layers have handles")
    };
    let handle = Handle::Sylvester(SylvesterHandle::Centre);
    let Layer::Sylvester(moved) = apply_drag(&layer, h.centre, handle, [1.0, 1.0]) else {
        panic!("the kind stays")
    };
    let c = sylvester_centre(&moved);
    assert!((c[0] - 1.0).abs() < 1e-9 && (c[1] - 1.0).abs() < 1e-9);
}
