//! Numbers as text for display, one home for the helpers the panels, the session and the state's
//! messages share: [`num`] (fixed decimals, an em dash for NaN), [`fmt_lr`] (a learning rate),
//! [`fmt_edit`] (an editable field's value), [`thousands`] (`1,234,567`). The link codec's exact
//! round-trip text is a different thing and stays with the codec: `state::text::fmt_f64`.
//!
//! Here in `state` because `state::text` had `thousands`, and the layers that show numbers
//! (`session`, `ui`) sit above it. Not in the engine (`core`), which is compiled at
//! `opt-level = 3` (`Cargo.toml`, `[profile.release]`): these helpers came out twice as large.
//!
//! # Why fixed-precision formats still use std
//! `{v:.3}`, `{:+.4}`, `{:.1e}` use std's *exact* digit generation (`flt2dec::…::format_exact`,
//! `float_to_decimal_common_exact`, `float_to_exponential_common_exact`, about 9 kB of
//! WebAssembly before compression) beside the *shortest* one of `{}` and `{:e}`. Replacing every
//! fixed-precision format of the app does not unlink it: `<f64 as Display>::fmt` (and `Debug`,
//! `LowerExp`) chooses exact or shortest at run time from the `Formatter`'s precision, and the
//! WebAssembly keeps those impls as long as any `{}` / `{:?}` / `{:e}` of an `f64` is left: the
//! link codec's `fmt_f64`, `to_string` of numbers in the panels, and the chart's colours
//! (`rgba({},{},{},{})`) and font (`{}px sans-serif`), written with `f64`s.
//! An own implementation (exact rounding by an error-free product, equal to std's output below
//! 2^64 and 15 decimals, tested against `format!`; in the history of `src/core/numtext.rs`) left
//! `format_exact` linked and added 5 kB gzipped; thin wrappers around `format!` added 1.5 kB (a
//! `String` per call site). So the formats stay std's `{:.N}` placeholders; the exact path goes
//! only together with all of std's float formatting (about 23 kB raw), which needs an own
//! shortest formatter and a chart backend that formats no `f64`.

/// A number for display with `digits` decimals; never shows NaN or infinity (an em dash instead).
pub fn num(v: f64, digits: usize) -> String {
    if v.is_finite() {
        format!("{v:.digits$}")
    } else {
        "—".into()
    }
}

/// A small magnitude for display, two significant digits: `0.31`, `0.0042`, `3.1e-7`.
pub fn sci(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v >= 0.01 || v == 0.0 {
        format!("{v:.2}")
    } else if v >= 1e-4 {
        let digits = (1 - v.log10().floor() as i32).max(0) as usize;
        format!("{v:.digits$}")
    } else {
        format!("{v:.1e}")
    }
}

/// A learning rate for display: `0.005` → `5.0e-3`, `0.05` → `0.050`.
pub fn fmt_lr(lr: f64) -> String {
    if !lr.is_finite() {
        "—".into()
    } else if lr >= 0.01 {
        format!("{lr:.3}")
    } else {
        format!("{lr:.1e}")
    }
}

/// A value for an editable numeric field: up to 6 decimals without trailing zeros, or
/// scientific with 6 decimals when very large or small (`1.5`, `-0.000123` → `-1.230000e-4`).
pub fn fmt_edit(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-3..1e5).contains(&a) {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.6e}")
    }
}

/// `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_helpers() {
        assert_eq!(num(2.0, 3), "2.000");
        assert_eq!(num(f64::NAN, 3), "—");
        assert_eq!(num(f64::INFINITY, 1), "—");
        assert_eq!(num(-0.001, 2), "-0.00");
        assert_eq!(num(0.125, 2), "0.12");
        assert_eq!(fmt_lr(0.005), "5.0e-3");
        assert_eq!(fmt_lr(0.05), "0.050");
        assert_eq!(fmt_lr(f64::NAN), "—");
        assert_eq!(fmt_edit(1.5), "1.5");
        assert_eq!(fmt_edit(-2.0), "-2");
        assert_eq!(fmt_edit(0.0), "0");
        assert_eq!(fmt_edit(-0.000123), "-1.230000e-4");
        assert_eq!(fmt_edit(123456.0), "1.234560e5");
        assert_eq!(fmt_edit(0.001), "0.001");
        assert_eq!(fmt_edit(99_999.999_999_9), "100000");
        assert_eq!(fmt_edit(1.234_567_89), "1.234568");
        assert_eq!(fmt_edit(1e-7), "1.000000e-7");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
