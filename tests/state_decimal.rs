//! `state::decimal::parse` against the standard library's `str::parse::<f64>` (an independent,
//! correctly rounded implementation: Eisel–Lemire with a big-decimal fallback): the same bits
//! for every input both accept, on edge cases (ties to even, subnormals, the overflow boundary,
//! 800+ digit mantissas) and on a few hundred thousand random ones.

use flow_playground::state::decimal::parse;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn same(s: &str) {
    let ours = parse(s);
    let std = s.parse::<f64>().ok();
    assert_eq!(
        ours.map(f64::to_bits),
        std.map(f64::to_bits),
        "{s:?}: ours {ours:?}, std {std:?}"
    );
}

#[test]
fn edge_cases_match_the_standard_parser() {
    for s in [
        "0",
        "-0",
        "+0",
        "0.0",
        "00000.000e12",
        "1",
        "-1",
        "1.",
        ".5",
        "-.5e-3",
        "1e5",
        "1E+5",
        "1e-5",
        "0.1",
        "0.3",
        "123456789012345",
        "1234567890123456",
        "12345678901234567890",
        // 2^53 + 1 and 2^53 + 3: exact ties, to even.
        "9007199254740993",
        "9007199254740995",
        "9007199254740993.0000000000000000000001",
        // The largest double, the tie above it (rounds to ∞), just below the tie.
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.797693134862315807e308",
        "1.7976931348623159e308",
        "1e309",
        "1e400",
        // Subnormals: the smallest, the tie below it, just above the tie, the largest, the
        // smallest normal and the tie between them.
        "5e-324",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.2250738585072009e-308",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "1e-320",
        "1e-400",
        "2.225073858507201136057409796709131975934819546351645648e-308",
        "7.2057594037927933e16",
        "3.0540517055858762e-294",
        "0.000000000000000000000000000000000000000000001",
        "17976931348623157081452742373170435679807056752584499659891747680315726078002853876058955863276687817154045895351438246423432132688946418276846754670353751698604991057655128207624549009038932894407586850845513394230458323690322294816580855933212334827479782620414472316873817718091929988125040402618412485836",
        "1e22",
        "1e23",
        "123456789e-22",
        "1234567890123456e-30",
        "9999999999999999999e-340",
        "4.35",
        "0.1e1",
        "100000000000000000000000000000000000000000000000000000000000000000e-66",
    ] {
        same(s);
    }
    // A 1,200-digit mantissa, and the exact halfway point between 1 and its successor
    // (1 + 2^−53) written out in full, then a hair above and below it.
    let long = "7".repeat(1200) + "e-1190";
    same(&long);
    let half = "1.00000000000000011102230246251565404236316680908203125";
    same(half);
    same(&format!(
        "{half}0000000000000000000000000000000000000000000000000000001"
    ));
    same("1.00000000000000011102230246251565404236316680908203124999999999999999999");
}

#[test]
fn malformed_text_is_not_a_number() {
    for s in [
        "",
        ".",
        "+",
        "-",
        "e5",
        "1e",
        "1e+",
        "--1",
        "1.2.3",
        " 1",
        "1 ",
        "1x",
        "0x10",
        "inf",
        "-infinity",
        "NaN",
        "1,5",
        "１",
    ] {
        assert_eq!(parse(s), None, "{s:?}");
    }
}

#[test]
fn random_numbers_match_the_standard_parser() {
    let mut rng = SmallRng::seed_from_u64(20261130);
    for _ in 0..100_000 {
        // Any finite double, written the ways the app writes and reads numbers.
        let v = f64::from_bits(rng.random::<u64>());
        if !v.is_finite() {
            continue;
        }
        same(&format!("{v}"));
        same(&format!("{v:e}"));
        same(&format!("{v:.3e}"));
        same(&format!("{:.*e}", rng.random_range(0..25), v));
    }
    for _ in 0..100_000 {
        // Random digit strings with random exponents, near every scale.
        let n = rng.random_range(1..40);
        let digits: String = (0..n)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect();
        let point = rng.random_range(0..=n);
        let e: i32 = rng.random_range(-360..330);
        same(&format!("{}.{}e{e}", &digits[..point], &digits[point..]));
    }
}
