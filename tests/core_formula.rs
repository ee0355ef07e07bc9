#![cfg(not(target_arch = "wasm32"))]
//! Typed formulas (`core::formula`): values against closed forms and against the paper's energies
//! as the engine defines them, gradients against central finite differences on random formulas,
//! and errors with their positions. Ground truth is independent of the parser: `f64` arithmetic
//! written out in Rust, `Energy::value_grad`, and differences of the formula's own values.

use flow_playground::core::formula::{Formula, MAX_DEPTH, MAX_LEN};
use flow_playground::core::Energy;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn f(text: &str) -> Formula {
    Formula::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

#[test]
fn values_match_the_arithmetic_written_out() {
    let (x, y) = (0.7f64, -1.3f64);
    let cases: [(&str, f64); 14] = [
        ("x + y*2", x + y * 2.0),
        ("-x^2", -(x * x)),
        ("2^3^2", 2f64.powf(9.0)),
        ("(x - 1)^2 / 0.4", (x - 1.0).powi(2) / 0.4),
        (
            "exp(-0.5*((x-2)/0.6)^2)",
            (-0.5 * ((x - 2.0) / 0.6f64).powi(2)).exp(),
        ),
        ("sqrt(x^2 + y^2)", x.hypot(y)),
        ("atan2(y, x)", y.atan2(x)),
        ("logaddexp(x, y)", (x.exp() + y.exp()).ln()),
        ("min(x, y) + max(x, y)", x + y),
        (
            "abs(y) * sin(pi*x/2)",
            y.abs() * (std::f64::consts::PI * x / 2.0).sin(),
        ),
        ("2.5E+1 + .5 + 5. + 1e-3", 25.0 + 0.5 + 5.0 + 1e-3),
        ("2*e", 2.0 * std::f64::consts::E),
        (
            "tanh(x) + cosh(y) - sinh(x)",
            x.tanh() + y.cosh() - x.sinh(),
        ),
        (
            "sigmoid(y) + softplus(x)",
            1.0 / (1.0 + (-y).exp()) + (1.0 + x.exp()).ln(),
        ),
    ];
    for (text, want) in cases {
        let got = f(text).value(x, y);
        assert!(
            (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
            "{text}: {got} vs {want}"
        );
    }
}

/// The paper's Table 1, typed the way a lecturer would (U1 as written in the paper; U2–U4 inside
/// |z₁| ≤ 4, where the engine's confining envelope is zero), equal to the engine's energies.
#[test]
fn the_papers_energies_as_formulas_equal_the_engines() {
    let w1 = "sin(pi*x/2)";
    let u = [
        (
            Energy::U1,
            "0.5*((sqrt(x^2+y^2)-2)/0.4)^2 - log(exp(-0.5*((x-2)/0.6)^2) + exp(-0.5*((x+2)/0.6)^2))"
                .to_string(),
        ),
        (Energy::U2, format!("0.5*((y - {w1})/0.4)^2")),
        (
            Energy::U3,
            format!("-logaddexp(-0.5*((y - {w1})/0.35)^2, -0.5*((y - {w1} + 3*exp(-0.5*((x-1)/0.6)^2))/0.35)^2)"),
        ),
        (
            Energy::U4,
            format!("-logaddexp(-0.5*((y - {w1})/0.4)^2, -0.5*((y - {w1} + 3*sigmoid((x-1)/0.3))/0.35)^2)"),
        ),
    ];
    let mut r = SmallRng::seed_from_u64(7);
    for (e, text) in &u {
        let formula = f(text);
        for _ in 0..200 {
            let (x, y) = (r.random_range(-3.9..3.9), r.random_range(-3.9..3.9));
            let (v, g) = formula.value_grad(x, y);
            let (ve, ge) = e.value_grad([x, y]);
            assert!(
                (v - ve).abs() <= 1e-9 * (1.0 + ve.abs()),
                "{e:?} at ({x}, {y}): {v} vs {ve}"
            );
            for k in 0..2 {
                assert!(
                    (g[k] - ge[k]).abs() <= 1e-7 * (1.0 + ge[k].abs()),
                    "{e:?} ∂{k} at ({x}, {y}): {} vs {}",
                    g[k],
                    ge[k]
                );
            }
        }
    }
}

/// A random formula of `x` and `y` (smooth near the sample points: no abs/min/max kinks tested).
fn random_formula(r: &mut SmallRng, depth: u32) -> String {
    if depth == 0 || r.random_bool(0.2) {
        return match r.random_range(0..4) {
            0 => "x".into(),
            1 => "y".into(),
            2 => format!("{:.3}", r.random_range(-2.0..2.0)),
            _ => "pi".into(),
        };
    }
    let a = random_formula(r, depth - 1);
    let b = random_formula(r, depth - 1);
    match r.random_range(0..13) {
        0 => format!("({a} + {b})"),
        1 => format!("({a} - {b})"),
        2 => format!("({a} * {b})"),
        3 => format!("({a} / (2 + sin({b})))"),
        4 => format!("exp(0.3*tanh({a}))"),
        5 => format!("log(1 + ({a})^2)"),
        6 => format!("sqrt(1 + ({a})^2)"),
        7 => format!("sin({a})"),
        8 => format!("cos({a}) * {b}"),
        9 => format!("atan2({a}, 2 + cosh({b}))"),
        10 => format!("logaddexp({a}, {b})"),
        11 => format!("(1.5 + sigmoid({a}))^(softplus({b}) - 1)"),
        _ => format!("-({a})^2"),
    }
}

#[test]
fn gradients_match_central_differences_on_random_formulas() {
    let mut r = SmallRng::seed_from_u64(0xF0);
    let mut checked = 0;
    for _ in 0..300 {
        let text = random_formula(&mut r, 4);
        let formula = f(&text);
        for _ in 0..5 {
            let (x, y) = (r.random_range(-2.0..2.0), r.random_range(-2.0..2.0));
            let (v, g) = formula.value_grad(x, y);
            if !v.is_finite() || v.abs() > 1e6 {
                continue;
            }
            let h = 1e-5;
            let fd = [
                (formula.value(x + h, y) - formula.value(x - h, y)) / (2.0 * h),
                (formula.value(x, y + h) - formula.value(x, y - h)) / (2.0 * h),
            ];
            for k in 0..2 {
                let scale = 1.0 + g[k].abs() + v.abs();
                assert!(
                    (g[k] - fd[k]).abs() <= 1e-5 * scale,
                    "{text} at ({x}, {y}) ∂{k}: forward mode {} vs differences {}",
                    g[k],
                    fd[k]
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn bad_formulas_say_where_and_what() {
    let cases: [(&str, usize, &str); 10] = [
        ("", 0, "empty"),
        ("x +", 3, "ends too early"),
        ("(x + y", 6, "expected ')'"),
        ("x + * y", 4, "unexpected '*'"),
        ("2x", 1, "unexpected 'x'"),
        ("foo(x)", 0, "unknown name 'foo'"),
        ("exp x", 4, "expected '('"),
        ("atan2(x)", 7, "two arguments"),
        ("sin(x, y)", 5, "one argument"),
        ("2e", 1, "exponent needs digits"),
    ];
    for (text, pos, what) in cases {
        let e = Formula::parse(text).expect_err(text);
        assert_eq!(e.pos, pos, "{text}: {e:?}");
        assert!(e.message.contains(what), "{text}: {e:?}");
    }
}

#[test]
fn formulas_are_bounded_in_length_and_depth() {
    let long = "x+".repeat(MAX_LEN / 2) + "x";
    assert!(Formula::parse(&long)
        .unwrap_err()
        .message
        .contains("characters long"));
    let deep = "(".repeat(MAX_DEPTH + 1) + "x" + &")".repeat(MAX_DEPTH + 1);
    assert!(Formula::parse(&deep)
        .unwrap_err()
        .message
        .contains("nested too deeply"));
    let ok = "(".repeat(MAX_DEPTH - 1) + "x" + &")".repeat(MAX_DEPTH - 1);
    assert_eq!(f(&ok).value(2.0, 0.0), 2.0);
    // x^0 has gradient 0 even at x = 0 (0 · 0^(−1) would be NaN).
    assert_eq!(f("x^0 + y").value_grad(0.0, 1.0), (2.0, [0.0, 1.0]));
    // Overflow is a value, not a failure: the caller checks finiteness on its grid.
    assert_eq!(f("exp(1000*x)").value(1.0, 0.0), f64::INFINITY);
}

/// Parses `text` and, if it is a formula, evaluates it at a few points: never a panic; an error
/// points inside the text (or just past its end).
fn parses_without_panic(text: &str) {
    match Formula::parse(text) {
        Ok(f) => {
            for (x, y) in [(0.0, 0.0), (1.5, -2.0), (-7.9, 7.9), (1e-300, -1e300)] {
                let _ = f.value(x, y);
                let _ = f.value_grad(x, y);
            }
        }
        Err(e) => {
            assert!(e.pos <= text.chars().count(), "{text:?}: {e:?}");
            assert!(!e.message.is_empty(), "{text:?}");
        }
    }
}

#[test]
fn fuzzed_input_never_panics() {
    let mut r = SmallRng::seed_from_u64(22);
    // Random bytes (as the text box would receive them, lossily decoded).
    for _ in 0..20_000 {
        let n = r.random_range(0..64);
        let bytes: Vec<u8> = (0..n).map(|_| r.random()).collect();
        parses_without_panic(&String::from_utf8_lossy(&bytes));
    }
    // Token soup from the language's own alphabet: far more of it gets deep into the parser.
    const TOKENS: [&str; 30] = [
        "x",
        "y",
        "pi",
        "e",
        "1",
        "2.5",
        "1e3",
        ".5",
        "1e-400",
        "1e400",
        "+",
        "-",
        "*",
        "/",
        "^",
        "(",
        ")",
        ",",
        " ",
        "exp",
        "log",
        "sqrt",
        "atan2",
        "min",
        "max",
        "logaddexp",
        "sin",
        "tanh",
        "abs",
        "ln",
    ];
    for _ in 0..50_000 {
        let n = r.random_range(1..40);
        let text: String = (0..n)
            .map(|_| TOKENS[r.random_range(0..TOKENS.len())])
            .collect();
        parses_without_panic(&text);
    }
    // Huge and odd numbers, long chains, deep nesting of every kind.
    let nine = "9".repeat(400);
    for text in [
        nine.as_str(),
        "1e999999999999999999999",
        "0.000000000000000000000000000000000000000000000000000000001e-999",
        "1e+",
        "1.2.3",
        "..5",
        "0x1F",
        "1_000",
        "∞",
        "x^y^x^y^x^y^x^y^x^y^x^y^x^y",
        "exp(exp(exp(exp(exp(exp(x))))))",
    ] {
        parses_without_panic(text);
    }
    parses_without_panic(&"-".repeat(MAX_LEN - 1));
    parses_without_panic(&("-".repeat(MAX_LEN - 1) + "x"));
    parses_without_panic(&"x^".repeat(MAX_LEN / 2));
    parses_without_panic(&"exp(".repeat(MAX_LEN / 4));
    parses_without_panic(&("sin(".repeat(MAX_DEPTH * 2) + "x" + &")".repeat(MAX_DEPTH * 2)));
    parses_without_panic(&"(".repeat(100_000));
}
