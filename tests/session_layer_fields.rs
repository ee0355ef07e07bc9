//! The layer editor's typed fields (`session::layer_fields`): each field sets the quantity it
//! names (checked through the engine's own reading of the layer and closed forms), and values
//! that would break invertibility or training are refused with the old value kept.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::coupling::Keep;
use flow_playground::core::train::PARAM_EXPLODE;
use flow_playground::core::{Layer, LayerKind, Planar, Radial};
use flow_playground::render::handles::W_NORM_MIN;
use flow_playground::session::layer_fields::{
    parse_value, Field, PLANAR_FIELDS, RADIAL_FIELDS, SCALE_FIELDS, SYLVESTER_FIELDS,
};
use flow_playground::state::numtext::fmt_edit;

fn field(table: &'static [Field], id: &str) -> Field {
    *table.iter().find(|f| f.id == id).expect("field exists")
}

fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn inv_softplus(y: f64) -> f64 {
    (y.exp() - 1.0).ln()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

fn planar() -> Layer {
    Layer::Planar(Planar {
        u: [0.5, -0.25],
        w: [1.0, 2.0],
        b: 0.75,
    })
}

/// α = 1.2, β = −0.3 (γ = 0.9).
fn radial() -> Layer {
    Layer::Radial(Radial {
        z0: [0.5, 1.5],
        alpha_raw: inv_softplus(1.2),
        beta_raw: inv_softplus(0.9),
    })
}

#[test]
fn planar_fields_set_the_raw_parameter_they_name() {
    let l = planar();
    let want = |id: &str, v: f64, check: &dyn Fn(&Planar) -> bool| {
        let f = field(&PLANAR_FIELDS, id);
        let Ok(Layer::Planar(p)) = (f.set)(&l, v) else {
            panic!("{id} = {v} refused")
        };
        assert!(check(&p), "{id} = {v}: {p:?}");
        assert!(close((f.get)(&Layer::Planar(p)), v), "{id} reads back");
    };
    want("edit-u0", -2.0, &|p| {
        p.u == [-2.0, -0.25] && p.w == [1.0, 2.0] && p.b == 0.75
    });
    want("edit-u1", 3.0, &|p| p.u == [0.5, 3.0]);
    want("edit-w0", -1.0, &|p| {
        p.w == [-1.0, 2.0] && p.u == [0.5, -0.25]
    });
    want("edit-w1", 0.5, &|p| p.w == [1.0, 0.5]);
    want("edit-b", -4.0, &|p| p.b == -4.0 && p.w == [1.0, 2.0]);
}

#[test]
fn a_normal_shorter_than_the_floor_is_refused() {
    let l = Layer::Planar(Planar {
        u: [0.0; 2],
        w: [0.0, 0.005],
        b: 0.0,
    });
    // w = (0.005, 0.005): ‖w‖ = 0.00707 < 0.01.
    let e = (field(&PLANAR_FIELDS, "edit-w0").set)(&l, 0.005).unwrap_err();
    assert!(e.contains("‖w‖ must be at least"), "{e}");
    assert!(e.contains("kept 0"), "{e}");
    // Either side of the floor: ‖(0.0085, 0.005)‖ = 0.00986, ‖(0.0087, 0.005)‖ = 0.01003.
    assert!(0.0085f64.hypot(0.005) < W_NORM_MIN && 0.0087f64.hypot(0.005) > W_NORM_MIN);
    assert!((field(&PLANAR_FIELDS, "edit-w0").set)(&l, 0.0085).is_err());
    assert!((field(&PLANAR_FIELDS, "edit-w0").set)(&l, 0.0087).is_ok());
}

#[test]
fn raw_values_past_the_divergence_limit_are_refused() {
    for (table, l) in [
        (&PLANAR_FIELDS[..], planar()),
        (&RADIAL_FIELDS[..2], radial()),
        (
            &SYLVESTER_FIELDS[..],
            Layer::from_params(LayerKind::Sylvester, &[0.1; 9]),
        ),
        (
            &SCALE_FIELDS[..],
            Layer::from_params(LayerKind::Scale, &[0.1; 4]),
        ),
    ] {
        for f in table {
            let e = (f.set)(&l, PARAM_EXPLODE * 1.5).unwrap_err();
            assert!(
                e.contains("training treats larger raw parameters as divergence"),
                "{}: {e}",
                f.id
            );
            assert!((f.set)(&l, -PARAM_EXPLODE * 1.5).is_err(), "{}", f.id);
            assert!((f.set)(&l, PARAM_EXPLODE * 0.5).is_ok(), "{}", f.id);
        }
    }
}

#[test]
fn radial_alpha_and_beta_set_the_constrained_values() {
    let l = radial();
    // α = 2 keeps β = −0.3: α̂ = softplus⁻¹(2), β̂ = softplus⁻¹(α + β) = softplus⁻¹(1.7).
    let Ok(Layer::Radial(r)) = (field(&RADIAL_FIELDS, "edit-alpha").set)(&l, 2.0) else {
        panic!()
    };
    assert!(close(softplus(r.alpha_raw), 2.0), "{}", r.alpha_raw);
    assert!(close(softplus(r.beta_raw), 1.7), "{}", r.beta_raw);
    assert!(close(r.alpha(), 2.0) && close(r.beta(), -0.3));
    assert_eq!(r.z0, [0.5, 1.5]);
    // β = 0.8 keeps α = 1.2: γ = 2.
    let Ok(Layer::Radial(r)) = (field(&RADIAL_FIELDS, "edit-beta").set)(&l, 0.8) else {
        panic!()
    };
    assert!(close(softplus(r.beta_raw), 2.0));
    assert!(close(r.alpha(), 1.2) && close(r.beta(), 0.8));
    assert!(close(
        (field(&RADIAL_FIELDS, "edit-beta").get)(&Layer::Radial(r)),
        0.8
    ));
    // The centre.
    let Ok(Layer::Radial(r)) = (field(&RADIAL_FIELDS, "edit-z0y").set)(&l, -2.0) else {
        panic!()
    };
    assert_eq!(r.z0, [0.5, -2.0]);
}

#[test]
fn radial_values_that_fold_are_refused() {
    let l = radial();
    let alpha = field(&RADIAL_FIELDS, "edit-alpha");
    let beta = field(&RADIAL_FIELDS, "edit-beta");
    // α ≤ 0.
    let e = (alpha.set)(&l, 0.0).unwrap_err();
    assert!(e.contains("α must be greater than 0"), "{e}");
    assert!((alpha.set)(&l, -1.0).is_err());
    // α = 0.29 with β = −0.3: β ≤ −α folds.
    let e = (alpha.set)(&l, 0.29).unwrap_err();
    assert!(e.contains("would be ≤ −α"), "{e}");
    assert!((alpha.set)(&l, 0.31).is_ok());
    // β ≤ −α = −1.2.
    let e = (beta.set)(&l, -1.21).unwrap_err();
    assert!(e.contains("β must be greater than −α"), "{e}");
    assert!((beta.set)(&l, -1.19).is_ok());
}

#[test]
fn sylvester_and_scale_fields_write_their_raw_parameter() {
    let l = Layer::from_params(LayerKind::Sylvester, &[0.0; 9]);
    let Ok(Layer::Sylvester(s)) = (field(&SYLVESTER_FIELDS, "edit-rho1").set)(&l, -2.0) else {
        panic!()
    };
    // m₁ = softplus(ρ₁) − 1.
    assert!(close(s.m()[0], softplus(-2.0) - 1.0));
    assert!(close(s.m()[1], softplus(0.0) - 1.0));
    for (j, f) in SYLVESTER_FIELDS.iter().enumerate() {
        let Ok(n) = (f.set)(&l, 0.25) else { panic!() };
        let mut p = vec![0.0; 9];
        n.write_params(&mut p);
        let mut want = vec![0.0; 9];
        want[j] = 0.25;
        assert_eq!(p, want, "{}", f.id);
    }
    let l = Layer::from_params(LayerKind::Scale, &[0.0; 4]);
    let Ok(Layer::Scale(c)) = (field(&SCALE_FIELDS, "edit-l2").set)(&l, 2.0f64.ln()) else {
        panic!()
    };
    assert!(close(c.log_scale[1].exp(), 2.0));
    let Ok(Layer::Scale(c)) = (field(&SCALE_FIELDS, "edit-c1").set)(&l, -0.5) else {
        panic!()
    };
    assert_eq!(c.shift, [-0.5, 0.0]);
    // A field of another kind reads a default layer, never panics.
    let _ = (field(&PLANAR_FIELDS, "edit-b").get)(&Layer::from_params(
        LayerKind::Spline(Keep::X),
        &vec![0.0; LayerKind::Spline(Keep::X).n_params()],
    ));
}

#[test]
fn field_ids_are_unique() {
    let mut ids: Vec<&str> = PLANAR_FIELDS
        .iter()
        .chain(&RADIAL_FIELDS)
        .chain(&SYLVESTER_FIELDS)
        .chain(&SCALE_FIELDS)
        .map(|f| f.id)
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn typed_values_are_read_and_shown() {
    assert_eq!(parse_value(" −1.5 ", 0.0), Ok(-1.5));
    assert_eq!(parse_value("2e-3", 0.0), Ok(0.002));
    let e = parse_value("abc", 0.25).unwrap_err();
    assert!(e.contains("“abc” is not a number; kept 0.25."), "{e}");
    assert!(
        parse_value("1e400", 0.0).is_err(),
        "an infinite value is refused"
    );
    assert_eq!(fmt_edit(0.0), "0");
    assert_eq!(fmt_edit(1.5), "1.5");
    assert_eq!(fmt_edit(-0.125), "-0.125");
    assert_eq!(fmt_edit(12345.678), "12345.678");
    assert_eq!(fmt_edit(1.0 / 3.0), "0.333333");
    assert_eq!(fmt_edit(2.5e-5), "2.500000e-5");
    assert_eq!(fmt_edit(f64::NAN), "—");
}
