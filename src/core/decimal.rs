//! Decimal text to `f64`, correctly rounded (round half to even), without the standard
//! library's parser: `str::parse::<f64>` brings a 10 kB table of 128-bit powers of five (the
//! Eisel–Lemire fast path) into the WebAssembly, which is 15 kB of the gzipped bundle once its
//! code is counted (README, "Bundle size"). Numbers here are short (links, files, typed fields),
//! so exact big-integer arithmetic is fast enough: the common case (≤ 15 digits, |exponent| ≤ 22)
//! is one exact IEEE multiplication or division, anything else a schoolbook quotient of a few
//! hundred bits. Tested against the standard library's parser, an independent implementation
//! (`tests/state_decimal.rs`).
//!
//! Grammar: `[+-]? digits? ('.' digits?)? ([eE] [+-]? digits)?` with at least one mantissa digit,
//! no spaces. Unlike `str::parse`, `inf`, `infinity` and `NaN` are not numbers here; a value too
//! large for `f64` gives `±∞` (as `str::parse` does), which every reader rejects.

/// Significant digits kept; any later non-zero digit only sets a sticky digit. The exact midpoint
/// between two doubles has at most 767 significant digits, so 800 decide every rounding.
const MAX_DIGITS: usize = 800;

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses `s` (see the module's grammar); `None` for anything else.
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    // Significant digits (no leading zeros) and the power of ten of the last one.
    let mut digits: Vec<u8> = Vec::new();
    let mut sticky = false;
    let mut exp10: i64 = 0;
    let mut seen = false;
    let mut point = false;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                seen = true;
                let d = c - b'0';
                if point {
                    exp10 -= 1;
                }
                if digits.is_empty() && d == 0 {
                    // a leading zero: nothing to keep
                } else if digits.len() < MAX_DIGITS {
                    digits.push(d);
                } else {
                    sticky |= d != 0;
                    exp10 += 1;
                }
            }
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if i < b.len() {
        if b[i] != b'e' && b[i] != b'E' {
            return None;
        }
        i += 1;
        let eneg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            e = (e * 10 + i64::from(b[i] - b'0')).min(1 << 40);
            i += 1;
        }
        if i == start || i < b.len() {
            return None;
        }
        exp10 += if eneg { -e } else { e };
    }
    if sticky {
        digits.push(1);
        exp10 -= 1;
    }
    let v = magnitude(&digits, exp10);
    Some(if neg { -v } else { v })
}

/// `digits × 10^exp10`, correctly rounded.
fn magnitude(digits: &[u8], exp10: i64) -> f64 {
    let n = digits.len() as i64;
    if n == 0 {
        return 0.0;
    }
    // The value lies in [10^(n−1+exp10), 10^(n+exp10)).
    if n + exp10 > 310 {
        return f64::INFINITY;
    }
    if n + exp10 < -326 {
        return 0.0;
    }
    if n <= 15 && exp10.abs() <= 22 {
        // Clinger's fast path: both operands exact, one correctly rounded operation.
        let m = digits.iter().fold(0u64, |a, &d| a * 10 + u64::from(d)) as f64;
        let p = POW10[exp10.unsigned_abs() as usize];
        return if exp10 >= 0 { m * p } else { m / p };
    }
    let mut num = Big::from_digits(digits);
    if exp10 >= 0 {
        num.mul_pow10(exp10 as u32);
        let (q, e2, sticky) = num.top64();
        round(q, e2, sticky)
    } else {
        let mut den = Big::one();
        den.mul_pow10((-exp10) as u32);
        // Scale so that the quotient has 64 or 65 bits: num·2^s / den ≥ 2^63.
        let s = 64 - num.bits() as i64 + den.bits() as i64;
        if s >= 0 {
            num.shl(s as u32);
        } else {
            den.shl((-s) as u32);
        }
        let (mut q, rem_nonzero) = num.div_small_quotient(&den);
        let mut sticky = rem_nonzero;
        let mut e2 = -s;
        if q >> 64 != 0 {
            sticky |= q & 1 != 0;
            q >>= 1;
            e2 += 1;
        }
        round(q as u64, e2 as i32, sticky)
    }
}

/// `q·2^e2` (q ≥ 2^63; `sticky`: the exact value is a little more) rounded to the nearest
/// double, ties to even; subnormal and overflowing results included.
fn round(q: u64, e2: i32, sticky: bool) -> f64 {
    debug_assert!(q >> 63 == 1);
    // Low bits to drop: 11 for a normal result, more where the result is subnormal.
    let drop = 11.max(-1074 - e2);
    if drop > 64 {
        return 0.0;
    }
    let q = u128::from(q);
    let mut m = q >> drop;
    let rem = q & ((1u128 << drop) - 1);
    let half = 1u128 << (drop - 1);
    if rem > half || (rem == half && (sticky || m & 1 == 1)) {
        m += 1;
    }
    let mut e = e2 + drop;
    if m == 1 << 53 {
        m >>= 1;
        e += 1;
    }
    if e == -1074 {
        // Subnormal (or rounded up to the smallest normal): the bits are the mantissa.
        return f64::from_bits(m as u64);
    }
    let field = e + 52 + 1023;
    if field >= 2047 {
        return f64::INFINITY;
    }
    f64::from_bits(((field as u64) << 52) | (m as u64 & ((1 << 52) - 1)))
}

/// An unsigned big integer, little-endian 32-bit limbs, no leading zero limbs.
struct Big(Vec<u32>);

impl Big {
    fn one() -> Self {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Self {
        let mut b = Big(Vec::new());
        for chunk in digits.chunks(9) {
            let v = chunk.iter().fold(0u32, |a, &d| a * 10 + u32::from(d));
            b.mul_add(10u32.pow(chunk.len() as u32), v);
        }
        b
    }

    /// `self = self·m + a`.
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let t = u64::from(*limb) * u64::from(m) + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut e: u32) {
        while e >= 9 {
            self.mul_add(1_000_000_000, 0);
            e -= 9;
        }
        if e > 0 {
            self.mul_add(10u32.pow(e), 0);
        }
    }

    fn bits(&self) -> u32 {
        match self.0.last() {
            Some(&top) => 32 * self.0.len() as u32 - top.leading_zeros(),
            None => 0,
        }
    }

    fn bit(&self, i: u32) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| l >> (i % 32) & 1 == 1)
    }

    fn shl(&mut self, s: u32) {
        let (words, bits) = ((s / 32) as usize, s % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, words));
    }

    /// The top 64 bits as `q` (its top bit set) with `self ≈ q·2^e2`, and whether any bit below
    /// them is set.
    fn top64(&self) -> (u64, i32, bool) {
        let n = self.bits();
        let mut q = 0u64;
        for k in 0..64 {
            q <<= 1;
            if k < n && self.bit(n - 1 - k) {
                q |= 1;
            }
        }
        let sticky = n > 64 && (0..n - 64).any(|i| self.bit(i));
        (q, n as i32 - 64, sticky)
    }

    fn ge(&self, other: &Big) -> bool {
        if self.0.len() != other.0.len() {
            return self.0.len() > other.0.len();
        }
        for (a, b) in self.0.iter().rev().zip(other.0.iter().rev()) {
            if a != b {
                return a > b;
            }
        }
        true
    }

    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let t = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(t < 0);
            *limb = t.rem_euclid(1 << 32) as u32;
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    /// `⌊self / den⌋` where it is below 2^128 (bit by bit, restoring), and whether a remainder is
    /// left.
    fn div_small_quotient(&self, den: &Big) -> (u128, bool) {
        let mut rem = Big(Vec::new());
        let mut q = 0u128;
        for i in (0..self.bits()).rev() {
            rem.mul_add(2, u32::from(self.bit(i)));
            q <<= 1;
            if rem.ge(den) {
                rem.sub(den);
                q |= 1;
            }
        }
        (q, !rem.0.is_empty())
    }
}
