//! Numbers as text, without the standard library's fixed-precision float formatting.
//!
//! `format!("{v:.3}")`, `{:.1e}`, `{:+.4}` and `{:.digits$}` on floats link std's *exact* digit
//! generation (`flt2dec::strategy::dragon::format_exact`, `grisu::format_exact_opt` and their
//! callers, about 9 kB of WebAssembly before compression) beside the *shortest* one that `{}` and
//! `{:e}` use. Every fixed-precision float text of the app goes through this module instead
//! ([`fixed`], [`signed_fixed`], [`sci`]), built on integer formatting and the shortest form only.
//! The display helpers shared by the panels, the session and the engine's messages
//! ([`num`], [`fmt_lr`], [`fmt_edit`], [`thousands`]) live here too. The link codec's exact
//! round-trip text is a different thing: `state::text::fmt_f64` (shortest `{}` / `{:e}`).
//!
//! # Rounding
//! The output is the same as std's (`{:.N}`, `{:+.N}`, `{:.Ne}`) — round half to even on the
//! exact binary value — whenever the rounding can be decided exactly with `f64` arithmetic:
//! * [`fixed`]: `|v| < 2^64` and `N ≤ 15`;
//! * [`sci`]: `N ≤ 14` and `10^-22 ≲ |v|·10^-N` and `|v|·10^-N ≲ 10^22`, i.e. the scale between
//!   `v` and its `N + 1` significant digits is an exactly representable power of ten.
//!
//! There the decision is exact: `|v|·10^s` (or `|v| / 10^s`) is compared with the halfway points
//! `n ± ½` by an error-free product (Dekker's two-product, no FMA needed), so exact ties go to the
//! even digit as in std and values a hair off a tie go the right way.
//!
//! Outside those ranges (astronomic or tiny magnitudes, more than 15 decimals) the digits are
//! those of the shortest round-trip representation (`{:e}`), rounded half to even as a decimal
//! string. That differs from std only in digits beyond the 17th significant one (std prints the
//! exact binary expansion, here they are zeros) and, in the last digit by ±1, when the shortest
//! representation itself ends in an exact `5` at the cut (a tie of the decimal, not necessarily
//! of the binary value). No display of the app is in that regime except as a curiosity (a loss
//! of `1e300` in a divergence message).
//!
//! Non-finite values read as std writes them: `NaN`, `inf`, `-inf` (`+inf` with a sign).
//! Negative values that round to zero keep their sign, as in std: `fixed(-0.001, 2)` is `-0.00`.

/// 2^52: from it on every `f64` is an integer.
const TWO52: f64 = 4_503_599_627_370_496.0;
/// 2^64, the `u64` range.
const TWO64: f64 = 18_446_744_073_709_551_616.0;

/// `{v:.digits$}`: `v` with `digits` decimals (module docs: rounding).
pub fn fixed(v: f64, digits: usize) -> String {
    let mut out = String::new();
    if v.is_sign_negative() && !v.is_nan() {
        out.push('-');
    }
    push_fixed(&mut out, v.abs(), digits);
    out
}

/// `{v:+.digits$}`: as [`fixed`] with a `+` in front of non-negative values (`+0.0000`,
/// `-0.0000` for `-0.0`, `+inf`, `NaN`).
pub fn signed_fixed(v: f64, digits: usize) -> String {
    let mut out = String::new();
    if !v.is_nan() {
        out.push(if v.is_sign_negative() { '-' } else { '+' });
    }
    push_fixed(&mut out, v.abs(), digits);
    out
}

/// `{v:.digits$e}`: one digit, `digits` decimals, `e` and the exponent: `sci(0.005, 1)` is
/// `5.0e-3`, `sci(1234567.0, 3)` is `1.235e6`, `sci(9.99e5, 1)` is `1.0e6` (module docs:
/// rounding).
pub fn sci(v: f64, digits: usize) -> String {
    let mut out = String::new();
    if v.is_sign_negative() && !v.is_nan() {
        out.push('-');
    }
    let a = v.abs();
    if !a.is_finite() {
        out.push_str(if a.is_nan() { "NaN" } else { "inf" });
        return out;
    }
    let (mant, exp) = if a == 0.0 {
        (vec![b'0'; digits + 1], 0)
    } else {
        sci_digits(a, digits)
    };
    out.push(mant[0] as char);
    if digits > 0 {
        out.push('.');
        out.extend(mant[1..].iter().map(|&d| d as char));
    }
    out.push('e');
    out.push_str(&exp.to_string());
    out
}

/// The `digits + 1` significant digits (ASCII) of finite `a > 0` and the decimal exponent of the
/// first.
fn sci_digits(a: f64, digits: usize) -> (Vec<u8>, i32) {
    let (short, e) = shortest(a);
    if digits <= 14 {
        // Exponent of the shortest form, corrected by one if the exact value is just below a
        // power of ten (`1e23` is 9.99…e22) or rounds up to one.
        let mut e = e;
        for _ in 0..2 {
            let s = digits as i32 - e;
            if s.abs() > 22 {
                break;
            }
            let lo = pow10(digits as u32) as u64;
            let n = round_scaled(a, s);
            if n >= 10 * lo {
                if n == 10 * lo {
                    return (lo.to_string().into_bytes(), e + 1);
                }
                e += 1;
            } else if n < lo {
                e -= 1;
            } else {
                return (n.to_string().into_bytes(), e);
            }
        }
    }
    // Outside the exact range: round the shortest digits.
    let (d, e) = round_digits(short, e, digits as i32 + 1);
    (d, e)
}

/// Appends `a ≥ 0` (or NaN) with `digits` decimals, no sign.
fn push_fixed(out: &mut String, a: f64, digits: usize) {
    if !a.is_finite() {
        out.push_str(if a.is_nan() { "NaN" } else { "inf" });
        return;
    }
    let (int, frac): (String, String) = if a >= TWO52 {
        // An integer: exact below 2^64, else the shortest digits followed by zeros.
        let int = if a < TWO64 {
            (a as u64).to_string()
        } else {
            format!("{a}")
        };
        (int, "0".repeat(digits))
    } else if digits <= 15 {
        let mut ip = a.trunc() as u64;
        let fp = a - a.trunc();
        let f = if digits == 0 {
            // Ties to even on the integer part.
            let n = round_scaled(a, 0);
            ip = n;
            0
        } else {
            round_scaled(fp, digits as i32)
        };
        let one = pow10(digits as u32) as u64;
        let f = if digits > 0 && f >= one {
            ip += 1;
            f - one
        } else {
            f
        };
        let frac = if digits == 0 {
            String::new()
        } else {
            format!("{f:0digits$}")
        };
        (ip.to_string(), frac)
    } else {
        let (short, e) = shortest(a);
        let (d, e) = round_digits(short, e, e + 1 + digits as i32);
        split_point(&d, e, digits)
    };
    out.push_str(&int);
    if digits > 0 {
        out.push('.');
        out.push_str(&frac);
    }
}

/// Integer and fraction digits (`digits` of them) of `0.d₁d₂… × 10^(e+1)`.
fn split_point(d: &[u8], e: i32, digits: usize) -> (String, String) {
    let at = |pos: i32| -> char {
        // Digit for 10^pos.
        let i = e - pos;
        if i >= 0 && (i as usize) < d.len() {
            d[i as usize] as char
        } else {
            '0'
        }
    };
    let int: String = if e < 0 {
        "0".into()
    } else {
        (0..=e).rev().map(at).collect()
    };
    let frac = (1..=digits as i32).map(|k| at(-k)).collect();
    (int, frac)
}

/// The shortest round-trip digits of finite `a > 0` (ASCII, no leading zero) and the decimal
/// exponent of the first: `1234.5` → (`12345`, 3).
fn shortest(a: f64) -> (Vec<u8>, i32) {
    let s = format!("{a:e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let d: Vec<u8> = m.bytes().filter(u8::is_ascii_digit).collect();
    (d, e.parse().unwrap_or(0))
}

/// `d` (first digit at 10^e) rounded half to even to `keep` significant digits (`keep ≤ 0`:
/// rounded to a unit of 10^(e+1−keep)); the exponent grows by one on a carry out.
fn round_digits(mut d: Vec<u8>, mut e: i32, keep: i32) -> (Vec<u8>, i32) {
    if keep >= d.len() as i32 {
        d.resize(keep.max(0) as usize, b'0');
        return (d, e);
    }
    let (k, first) = if keep < 0 {
        (0, b'0')
    } else {
        (keep as usize, d[keep as usize])
    };
    let rest_nonzero = keep >= 0 && d[k + 1..].iter().any(|&c| c != b'0');
    let prev_odd = k > 0 && (d[k - 1] - b'0') % 2 == 1;
    let up = first > b'5' || (first == b'5' && (rest_nonzero || prev_odd));
    d.truncate(k);
    if up {
        let mut i = k;
        loop {
            if i == 0 {
                d.insert(0, b'1');
                e += 1;
                d.truncate(k.max(1));
                break;
            }
            i -= 1;
            if d[i] == b'9' {
                d[i] = b'0';
            } else {
                d[i] += 1;
                break;
            }
        }
    }
    if d.is_empty() {
        d.push(b'0');
    }
    (d, e)
}

/// 10^k, exact for k ≤ 22.
fn pow10(k: u32) -> f64 {
    let mut p = 1.0;
    for _ in 0..k {
        p *= 10.0;
    }
    p
}

/// The integer nearest to `a·10^s` (`a ≥ 0`, `|s| ≤ 22`, result below 2^52), ties to even,
/// decided on the exact value.
fn round_scaled(a: f64, s: i32) -> u64 {
    let q = if s >= 0 {
        a * pow10(s as u32)
    } else {
        a / pow10((-s) as u32)
    };
    if q < 0.25 {
        return 0;
    }
    let n = q.round() as u64;
    let half = |k: u64| k as f64 + 0.5;
    match cmp_scaled(a, s, half(n)) {
        1 => n + 1,
        0 => n + (n & 1),
        _ => match cmp_scaled(a, s, half(n) - 1.0) {
            -1 => n - 1,
            0 => n - (n & 1),
            _ => n,
        },
    }
}

/// The sign of `a·10^s − c`, exactly (`c` a half-integer below 2^52).
fn cmp_scaled(a: f64, s: i32, c: f64) -> i8 {
    let d = if s >= 0 {
        let (hi, lo) = two_prod(a, pow10(s as u32));
        (hi - c) + lo
    } else {
        let (hi, lo) = two_prod(c, pow10((-s) as u32));
        (a - hi) - lo
    };
    if d > 0.0 {
        1
    } else if d < 0.0 {
        -1
    } else {
        0
    }
}

/// `a·b = hi + lo` exactly (Dekker; no overflow or underflow in the range used here).
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let split = |x: f64| {
        let t = 134_217_729.0 * x; // 2^27 + 1
        let hi = t - (t - x);
        (hi, x - hi)
    };
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
}

/// A number for display with `digits` decimals; never shows NaN or infinity (an em dash instead).
pub fn num(v: f64, digits: usize) -> String {
    if v.is_finite() {
        fixed(v, digits)
    } else {
        "—".into()
    }
}

/// A learning rate for display: `0.005` → `5.0e-3`, `0.05` → `0.050`.
pub fn fmt_lr(lr: f64) -> String {
    if !lr.is_finite() {
        "—".into()
    } else if lr >= 0.01 {
        fixed(lr, 3)
    } else {
        sci(lr, 1)
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
        let s = fixed(v, 6);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        sci(v, 6)
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

    /// A xorshift stream of f64 bit patterns (no dependency on the engine's RNG).
    struct Bits(u64);
    impl Bits {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// A positive finite f64 with a random mantissa and a decimal magnitude in
        /// `10^lo ..= 10^hi` (roughly).
        fn value(&mut self, lo: i32, hi: i32) -> f64 {
            let m = 1.0 + (self.next() >> 12) as f64 / (1u64 << 52) as f64;
            let span = (hi - lo + 1) as u64;
            let e = lo + (self.next() % span) as i32;
            m * 10f64.powi(e)
        }
    }

    /// Values whose formatting is interesting: exact binary ties at several decimal places,
    /// near-ties, decimals that are not exact in binary, powers of ten and their neighbours.
    fn specials() -> Vec<f64> {
        let mut v = vec![
            0.5,
            1.5,
            2.5,
            3.5,
            0.25,
            0.75,
            0.125,
            0.375,
            0.625,
            0.875,
            1.005,
            1.015,
            1.025,
            2.675,
            0.045,
            0.0005,
            0.00015,
            9.5,
            99.5,
            999.5,
            9.95,
            9.995,
            0.995,
            0.9995,
            1e-3,
            5e-3,
            0.015,
            0.05,
            0.1,
            0.2,
            0.3,
            1.0 / 3.0,
            2.0 / 3.0,
            1e5,
            1e15,
            1e16,
            1e17,
            1e22,
            1e23,
            123456.789,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            1.8e19,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::EPSILON,
            1e4,
            0.000123,
            12345.6789,
        ];
        for k in 0..2000 {
            v.push(k as f64 / 1000.0);
            v.push(k as f64 / 8.0 + 1.0 / 16.0);
            v.push((2 * k + 1) as f64 / 1024.0);
        }
        for e in -30..=30 {
            let p = 10f64.powi(e);
            v.extend([
                p,
                p * (1.0 + f64::EPSILON),
                p * (1.0 - f64::EPSILON / 2.0),
                9.5 * p,
            ]);
        }
        v
    }

    fn check_fixed(v: f64, d: usize) {
        assert_eq!(fixed(v, d), format!("{v:.d$}"), "fixed({v:e}, {d})");
        assert_eq!(fixed(-v, d), format!("{:.d$}", -v), "fixed({:e}, {d})", -v);
        assert_eq!(
            signed_fixed(v, d),
            format!("{v:+.d$}"),
            "signed_fixed({v:e}, {d})"
        );
        assert_eq!(signed_fixed(-v, d), format!("{:+.d$}", -v));
    }

    fn check_sci(v: f64, d: usize) {
        assert_eq!(sci(v, d), format!("{v:.d$e}"), "sci({v:e}, {d})");
        assert_eq!(sci(-v, d), format!("{:.d$e}", -v), "sci({:e}, {d})", -v);
    }

    #[test]
    fn fixed_matches_std_below_2_64_with_up_to_15_decimals() {
        for v in specials().into_iter().filter(|v| *v < TWO64) {
            for d in 0..=15 {
                check_fixed(v, d);
            }
        }
        let mut r = Bits(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let v = r.value(-20, 19);
            if v < TWO64 {
                check_fixed(v, (r.next() % 16) as usize);
            }
        }
    }

    #[test]
    fn sci_matches_std_in_the_exact_range() {
        for v in specials().into_iter().filter(|v| (1e-20..1e20).contains(v)) {
            for d in 0..=7 {
                check_sci(v, d);
            }
        }
        let mut r = Bits(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let d = (r.next() % 15) as usize;
            let v = r.value(-22 + d as i32, 21);
            check_sci(v, d);
        }
    }

    /// Mantissa digits as an integer and the exponent of std's or our `{:.Ne}` text.
    fn parts(s: &str) -> (u128, i32) {
        let (m, e) = s.split_once('e').unwrap();
        (
            m.replace(['.', '-'], "").parse().unwrap(),
            e.parse().unwrap(),
        )
    }

    #[test]
    fn outside_the_exact_range_the_last_digit_is_within_one() {
        let mut r = Bits(0x1234_5678_9abc_def1);
        let mut differ = 0;
        for i in 0..20_000 {
            let v = if i % 2 == 0 {
                r.value(24, 300)
            } else {
                r.value(-300, -24)
            };
            let d = (r.next() % 8) as usize;
            let (ours, std) = (sci(v, d), format!("{v:.d$e}"));
            if ours != std {
                differ += 1;
                let ((a, ea), (b, eb)) = (parts(&ours), parts(&std));
                assert!(ea == eb && a.abs_diff(b) <= 1, "{ours} vs {std}");
            }
            // Digits past the 17th significant one are zeros here, std prints them exactly.
            let (ours, std) = (fixed(v, 20), format!("{v:.20}"));
            if v < 1.0 {
                assert!(
                    ours.len() == std.len() && ours[..19] == std[..19],
                    "{ours} vs {std}"
                );
            }
        }
        // Only near-ties of the shortest form can differ: rare.
        assert!(differ < 50, "{differ} differences");
        assert_eq!(fixed(1e300, 1).len(), format!("{:.1}", 1e300).len());
    }

    #[test]
    fn non_finite_and_zero_read_as_std() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0] {
            for d in [0, 1, 4] {
                assert_eq!(fixed(v, d), format!("{v:.d$}"));
                assert_eq!(signed_fixed(v, d), format!("{v:+.d$}"));
                assert_eq!(sci(v, d), format!("{v:.d$e}"));
            }
        }
        assert_eq!(fixed(-0.001, 2), "-0.00");
        assert_eq!(sci(0.005, 1), "5.0e-3");
        assert_eq!(sci(1_234_567.0, 3), "1.235e6");
        assert_eq!(sci(9.99e5, 1), "1.0e6");
        assert_eq!(sci(1e4, 0), "1e4");
    }

    #[test]
    fn display_helpers() {
        assert_eq!(num(2.0, 3), "2.000");
        assert_eq!(num(f64::NAN, 3), "—");
        assert_eq!(num(f64::INFINITY, 1), "—");
        assert_eq!(fmt_lr(0.005), "5.0e-3");
        assert_eq!(fmt_lr(0.05), "0.050");
        assert_eq!(fmt_lr(f64::NAN), "—");
        assert_eq!(fmt_edit(1.5), "1.5");
        assert_eq!(fmt_edit(-2.0), "-2");
        assert_eq!(fmt_edit(0.0), "0");
        assert_eq!(fmt_edit(-0.000123), "-1.230000e-4");
        assert_eq!(fmt_edit(123456.0), "1.234560e5");
        for v in [1.5, -2.0, 0.001, 99999.9999999, 3.14159265, 1e-7, 2e9] {
            let old = if (1e-3..1e5).contains(&f64::abs(v)) {
                let s = format!("{v:.6}");
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                format!("{v:.6e}")
            };
            assert_eq!(fmt_edit(v), old);
        }
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
