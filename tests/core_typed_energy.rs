//! Typed energies: quadrature's log Z against closed forms and the engine's paper energies,
//! the checks that refuse a formula before training, and the gallery (every entry fits its
//! box; U1–U4 typed equal the engine's energies).

use flow_playground::core::typed_energy::{TypedProblem, BOX, EDGE_SHARE};
use flow_playground::core::{Energy, EnergyTarget, TypedEnergy};
use flow_playground::state::energy_gallery::paper_formula;
use flow_playground::state::GALLERY;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn typed(text: &str) -> TypedEnergy {
    TypedEnergy::new(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Closed forms: a Gaussian, the banana, the funnel and the mixture of the gallery.
#[test]
fn log_z_by_quadrature_meets_closed_forms() {
    let pi = std::f64::consts::PI;
    let cases = [
        ("x^2/2 + y^2/2", (2.0 * pi).ln()),
        (
            "((x - 1)^2 + (y + 0.5)^2)/(2*0.3^2)",
            (2.0 * pi * 0.09).ln(),
        ),
        ("x^2/2 + 2*(y - x^2/2 + 1)^2", pi.ln()),
        (GALLERY[1].formula, (1.5 * pi).ln()),
        (GALLERY[4].formula, (1.5 * pi).ln()),
    ];
    for (text, want) in cases {
        let q = typed(text).quadrature();
        assert!(
            (q.log_z - want).abs() < 1e-3,
            "{text}: log Z {} vs {want}",
            q.log_z
        );
        // The stated error bounds the true one.
        assert!(
            (q.log_z - want).abs() <= q.error.max(1e-9) * 1.01 + 1e-6,
            "{text}: error {} understates {}",
            q.error,
            (q.log_z - want).abs()
        );
    }
}

/// U1–U4 typed as in the gallery: the same values and gradients as the engine's energies, and
/// the same log Z (U1's exact value; U2–U4's from the engine's own quadrature).
#[test]
fn the_papers_energies_typed_equal_the_engines() {
    let mut r = SmallRng::seed_from_u64(11);
    for e in Energy::ALL {
        let t: EnergyTarget = typed(paper_formula(e.name()).expect("in the gallery")).into();
        let lz = t.log_z().expect("typed energies have a log Z");
        assert!(
            (lz - e.log_z().unwrap()).abs() < 2e-4,
            "{e:?}: log Z {lz} vs {}",
            e.log_z().unwrap()
        );
        for _ in 0..300 {
            let z = [r.random_range(-6.0..6.0), r.random_range(-6.0..6.0)];
            let (v, g) = t.value_grad(z);
            let (ve, ge) = e.value_grad(z);
            assert!((v - ve).abs() <= 1e-9 * (1.0 + ve.abs()), "{e:?} at {z:?}");
            for k in 0..2 {
                assert!(
                    (g[k] - ge[k]).abs() <= 1e-7 * (1.0 + ge[k].abs()),
                    "{e:?} ∂{k} at {z:?}: {} vs {}",
                    g[k],
                    ge[k]
                );
            }
        }
    }
}

#[test]
fn every_gallery_energy_fits_its_box() {
    for g in GALLERY {
        let q = typed(g.formula).quadrature();
        assert!(q.log_z.is_finite() && q.error < 1e-3, "{}: {q:?}", g.name);
        assert!(
            q.edge_share < EDGE_SHARE / 2.0,
            "{}: edge {}",
            g.name,
            q.edge_share
        );
    }
}

#[test]
fn formulas_that_cannot_be_fitted_say_why_before_training() {
    // Syntax, with the position.
    match TypedEnergy::new("x^2 + (y") {
        Err(TypedProblem::Syntax(e)) => assert_eq!(e.pos, 8),
        other => panic!("{other:?}"),
    }
    // Undefined inside the box: log of a negative number.
    assert!(matches!(
        TypedEnergy::new("log(x)"),
        Err(TypedProblem::Undefined { .. })
    ));
    // exp(−U) overflows to infinity: U = −∞ somewhere.
    assert!(matches!(
        TypedEnergy::new("-exp(exp(x^2))"),
        Err(TypedProblem::Undefined { .. })
    ));
    // No mass anywhere.
    assert!(matches!(
        TypedEnergy::new("1e300*1e300"),
        Err(TypedProblem::NoMass)
    ));
    // Flat in y: not normalisable on the box, and the message says what to add.
    match TypedEnergy::new("x^2/2") {
        Err(p @ TypedProblem::NotNormalisable { edge_share }) => {
            assert!(edge_share > 0.05);
            assert!(p.to_string().contains("confining"), "{p}");
        }
        other => panic!("{other:?}"),
    }
    // A wide Gaussian spills over the box's edge.
    let wide = format!("(x^2 + y^2)/(2*{}^2)", BOX / 2.0);
    assert!(matches!(
        TypedEnergy::new(&wide),
        Err(TypedProblem::NotNormalisable { .. })
    ));
}

/// Reverse KL on typed energies with the app's energy settings (planar K = 16, batch 256, Adam
/// 5e−3 with its cosine decay, β annealed over 1,500 steps): the typed banana and U1 typed as a
/// formula reach within 0.10 nats of their floors (−log Z by quadrature) in 3,000 steps, and
/// never below them (up to the estimate's noise). Free energy on 20,000 fresh samples.
#[test]
fn reverse_kl_on_typed_energies_reaches_their_floors() {
    use flow_playground::core::{Annealing, Eval, Hyper, Init, Objective, StackPattern, Trainer};
    for name in ["banana", "U1"] {
        let g = GALLERY.iter().find(|g| g.name == name).unwrap();
        let target: EnergyTarget = typed(g.formula).into();
        let floor = -target.log_z().unwrap();
        let mut hyper = Hyper::energy_default();
        hyper.eval_samples = 20_000;
        let objective = Objective::Energy {
            energy: target,
            annealing: Annealing::Linear {
                start: 0.01,
                steps: 1500,
            },
        };
        let kinds = StackPattern::AllPlanar.kinds(16);
        let mut t = Trainer::new(&kinds, Init::Default, objective, hyper, 1).unwrap();
        let s = t.run_steps(3000);
        assert_eq!(s.steps, 3000, "{name}: {:?}", s.diverged);
        let Some(Eval::Energy(e)) = t.evaluate() else {
            panic!("no energy eval")
        };
        println!(
            "{name}: free energy {:.4}, floor {floor:.4}, ESS {:.3}",
            e.free_energy, e.ess
        );
        assert!(
            e.free_energy > floor - 0.01,
            "{name} below the floor: {}",
            e.free_energy
        );
        assert!(
            e.free_energy < floor + 0.10,
            "{name}: {} vs floor {floor}",
            e.free_energy
        );
    }
}

/// A typed density: the sampler follows its cell-wise table (mean and variance of a Gaussian's
/// samples), its entropy meets the closed form, and bad densities are refused.
#[test]
fn typed_density_samples_and_entropy() {
    use flow_playground::core::typed_density::TypedDensity;
    let pi = std::f64::consts::PI;
    // N((1, −0.5), diag(0.8², 0.5²)), unnormalised: H = 1 + log(2π · 0.8 · 0.5).
    let d = TypedDensity::new("exp(-0.5*((x - 1)/0.8)^2 - 0.5*((y + 0.5)/0.5)^2)").unwrap();
    let want = 1.0 + (2.0 * pi * 0.8 * 0.5).ln();
    assert!(
        (d.entropy() - want).abs() < 1e-3,
        "{} vs {want}",
        d.entropy()
    );
    let pts = d.sample(200_000, 3);
    let n = pts.len() as f64;
    let mean = pts
        .iter()
        .fold([0.0; 2], |m, p| [m[0] + p[0] / n, m[1] + p[1] / n]);
    let var = pts.iter().fold([0.0; 2], |v, p| {
        [
            v[0] + (p[0] - mean[0]).powi(2) / n,
            v[1] + (p[1] - mean[1]).powi(2) / n,
        ]
    });
    assert!(
        (mean[0] - 1.0).abs() < 0.01 && (mean[1] + 0.5).abs() < 0.01,
        "{mean:?}"
    );
    assert!(
        (var[0] - 0.64).abs() < 0.01 && (var[1] - 0.25).abs() < 0.01,
        "{var:?}"
    );
    assert_eq!(d.sample(10, 9), d.sample(10, 9), "seeded");
    assert!(
        matches!(TypedDensity::new("x"), Err(TypedProblem::Undefined { .. })),
        "negative"
    );
    assert!(matches!(TypedDensity::new("0"), Err(TypedProblem::NoMass)));
    assert!(matches!(
        TypedDensity::new("1"),
        Err(TypedProblem::NotNormalisable { .. })
    ));
}

/// Maximum likelihood on 4,000 points drawn from a typed density (the banana, as a density),
/// the app's default flow (planar K = 16) and ML settings: the held-out NLL comes within 0.15
/// nats of the density's entropy in 3,000 steps.
#[test]
fn ml_on_a_typed_density_reaches_its_entropy() {
    use flow_playground::core::typed_density::TypedDensity;
    use flow_playground::core::{Eval, Hyper, Init, Objective, Points, StackPattern, Trainer};
    let d = TypedDensity::new("exp(-x^2/2 - 2*(y - x^2/2 + 1)^2)").unwrap();
    let pts = d.sample(4000, 1);
    let (mut train, mut heldout) = (Points::default(), Points::default());
    for (i, p) in pts.iter().enumerate() {
        if i % 4 == 3 {
            heldout.push(*p);
        } else {
            train.push(*p);
        }
    }
    let kinds = StackPattern::AllPlanar.kinds(16);
    let objective = Objective::MaxLikelihood { train, heldout };
    let mut t = Trainer::new(&kinds, Init::Default, objective, Hyper::ml_default(), 1).unwrap();
    let s = t.run_steps(3000);
    assert_eq!(s.steps, 3000, "{:?}", s.diverged);
    let Some(Eval::HeldOutNll(nll)) = t.evaluate() else {
        panic!("no held-out NLL")
    };
    println!("held-out NLL {nll:.4}, entropy {:.4}", d.entropy());
    assert!(nll < d.entropy() + 0.15, "{nll} vs {}", d.entropy());
}
