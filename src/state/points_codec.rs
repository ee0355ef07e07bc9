//! Compact binary form of a point set, for the link's `pts` key (then base64url).
//!
//! **Quantization.** Coordinates are snapped to the lattice `q / 1024` (resolution
//! 1/1024 ≈ 0.001; lattice values are exact `f64`s, so re-quantizing is the identity) and
//! clamped to the engine's own coordinate box `±COORD_LIMIT` (±10⁴, beyond which the engine
//! rejects data anyway). The box costs nothing: both encodings below adapt to where the points
//! actually are.
//!
//! **Encodings** (the encoder writes both and keeps the shorter; point order is kept, because
//! the trainer's minibatches and held-out split depend on it):
//!
//! ```text
//!   byte 0   method: 0 = fixed width, 1 = delta + Rice
//!   varint   n (LEB128)
//!   method 0: zigzag varints qx_min, qy_min; bytes bx, by (bit widths ≤ 25); then n × (bx + by)
//!             bits (q − min, LSB first). Best for scattered points: ~2 × log₂(range) bits/point.
//!   method 1: zigzag varints qx₀, qy₀; then the n − 1 deltas in blocks of 64 points, each block
//!             a 5-bit Rice parameter for x and one for y, then per point zigzag(Δx), zigzag(Δy)
//!             Rice-coded (unary quotient, k low bits). Best for drawn strokes, where
//!             consecutive points are close.
//! ```
//!
//! Points are stored whole (x and y together), so a truncated stream still yields a valid prefix.
//! The decoder never trusts `n`: it stops at the caller's cap and at the end of the data.

use crate::core::points::COORD_LIMIT;

/// Lattice steps per unit: coordinates are stored as multiples of `1/1024`.
pub const STEPS_PER_UNIT: f64 = 1024.0;
/// Half-width of the coordinate box `[−BOX, BOX]²` points are clamped to.
pub const BOX: f64 = COORD_LIMIT;
/// Largest lattice index, `BOX · STEPS_PER_UNIT`.
const Q_MAX: i64 = (COORD_LIMIT * STEPS_PER_UNIT) as i64;
/// Points per Rice block.
const BLOCK: usize = 64;
/// Widest fixed-width field / largest Rice parameter the decoder accepts.
const MAX_WIDTH: u32 = 26;

/// Lattice index of `v`, and whether it had to be clamped (outside the box or not finite;
/// NaN maps to 0).
pub fn quantize(v: f64) -> (i64, bool) {
    if v.is_nan() {
        return (0, true);
    }
    let q = (v * STEPS_PER_UNIT).round();
    if q > Q_MAX as f64 {
        (Q_MAX, true)
    } else if q < -(Q_MAX as f64) {
        (-Q_MAX, true)
    } else {
        (q as i64, false)
    }
}

/// `p` snapped to the lattice and clamped into the box: what a link round trip gives back.
pub fn quantize_point(p: [f64; 2]) -> [f64; 2] {
    [
        quantize(p[0]).0 as f64 / STEPS_PER_UNIT,
        quantize(p[1]).0 as f64 / STEPS_PER_UNIT,
    ]
}

/// Encodes `points` (see the module docs). Returns the bytes and how many points had a
/// coordinate clamped.
pub fn encode_points(points: &[[f64; 2]]) -> (Vec<u8>, usize) {
    let mut clamped = 0;
    let q: Vec<[i64; 2]> = points
        .iter()
        .map(|p| {
            let (x, cx) = quantize(p[0]);
            let (y, cy) = quantize(p[1]);
            clamped += usize::from(cx || cy);
            [x, y]
        })
        .collect();
    let fixed = encode_fixed(&q);
    let rice = encode_rice(&q);
    (
        if rice.len() < fixed.len() {
            rice
        } else {
            fixed
        },
        clamped,
    )
}

/// Result of [`decode_points`].
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedPoints {
    /// The points read (on the lattice, inside the box).
    pub points: Vec<[f64; 2]>,
    /// The header's point count (may exceed what was read).
    pub declared: u64,
    /// Why reading stopped before `declared` points, if it did (plain text).
    pub problem: Option<String>,
    /// How many decoded points had to be clamped into the box.
    pub clamped: usize,
}

/// Decodes at most `max_points` points from `bytes`; never panics, work is linear in
/// `min(bytes.len(), max_points)`.
pub fn decode_points(bytes: &[u8], max_points: usize) -> DecodedPoints {
    let mut out = DecodedPoints {
        points: Vec::new(),
        declared: 0,
        problem: None,
        clamped: 0,
    };
    let mut r = ByteReader { b: bytes, i: 0 };
    let Some(method) = r.byte() else {
        out.problem = Some("no data".into());
        return out;
    };
    let Some(n) = r.varint() else {
        out.problem = Some("the point count is missing".into());
        return out;
    };
    out.declared = n;
    let want = usize::try_from(n).unwrap_or(usize::MAX).min(max_points);
    out.points
        .reserve(want.min(bytes.len().saturating_mul(4) + 1));
    let push = |out: &mut DecodedPoints, x: i64, y: i64| {
        let cx = x.clamp(-Q_MAX, Q_MAX);
        let cy = y.clamp(-Q_MAX, Q_MAX);
        out.clamped += usize::from(cx != x || cy != y);
        out.points
            .push([cx as f64 / STEPS_PER_UNIT, cy as f64 / STEPS_PER_UNIT]);
    };
    let result: Result<(), String> = match method {
        0 => (|| {
            if want == 0 {
                return Ok(());
            }
            let min_x = r.zigzag().ok_or("the fixed-width header is cut short")?;
            let min_y = r.zigzag().ok_or("the fixed-width header is cut short")?;
            let bx = u32::from(r.byte().ok_or("the fixed-width header is cut short")?);
            let by = u32::from(r.byte().ok_or("the fixed-width header is cut short")?);
            if bx > MAX_WIDTH || by > MAX_WIDTH {
                return Err(format!("bit widths {bx}/{by} are out of range"));
            }
            let mut bits = BitReader::new(&bytes[r.i..]);
            while out.points.len() < want {
                let (Some(dx), Some(dy)) = (bits.read(bx), bits.read(by)) else {
                    return Err(cut_short(out.points.len(), n));
                };
                push(
                    &mut out,
                    min_x.saturating_add(dx as i64),
                    min_y.saturating_add(dy as i64),
                );
            }
            Ok(())
        })(),
        1 => (|| {
            if want == 0 {
                return Ok(());
            }
            let x0 = r.zigzag().ok_or_else(|| cut_short(0, n))?;
            let y0 = r.zigzag().ok_or_else(|| cut_short(0, n))?;
            let (mut x, mut y) = (x0, y0);
            push(&mut out, x, y);
            let mut bits = BitReader::new(&bytes[r.i..]);
            let (mut kx, mut ky) = (0, 0);
            let mut i = 1;
            while out.points.len() < want {
                if (i - 1) % BLOCK == 0 {
                    let (Some(a), Some(b)) = (bits.read(5), bits.read(5)) else {
                        return Err(cut_short(out.points.len(), n));
                    };
                    (kx, ky) = (a as u32, b as u32);
                    if kx > MAX_WIDTH || ky > MAX_WIDTH {
                        return Err(format!("Rice parameters {kx}/{ky} are out of range"));
                    }
                }
                let (Some(dx), Some(dy)) = (bits.rice(kx), bits.rice(ky)) else {
                    return Err(cut_short(out.points.len(), n));
                };
                x = x.saturating_add(unzigzag(dx));
                y = y.saturating_add(unzigzag(dy));
                push(&mut out, x, y);
                i += 1;
            }
            Ok(())
        })(),
        m => Err(format!("unknown points encoding {m}")),
    };
    if let Err(e) = result {
        out.problem = Some(e);
    }
    out
}

fn cut_short(read: usize, declared: u64) -> String {
    format!("the points data is cut short or corrupt: read {read} of {declared} points")
}

fn encode_fixed(q: &[[i64; 2]]) -> Vec<u8> {
    let mut out = vec![0u8];
    put_varint(&mut out, q.len() as u64);
    if q.is_empty() {
        return out;
    }
    let min = [0, 1].map(|a| q.iter().map(|p| p[a]).min().unwrap_or(0));
    let max = [0, 1].map(|a| q.iter().map(|p| p[a]).max().unwrap_or(0));
    let width = [0, 1].map(|a| 64 - ((max[a] - min[a]) as u64).leading_zeros());
    put_varint(&mut out, zigzag(min[0]));
    put_varint(&mut out, zigzag(min[1]));
    out.push(width[0] as u8);
    out.push(width[1] as u8);
    let mut w = BitWriter::default();
    for p in q {
        w.write((p[0] - min[0]) as u64, width[0]);
        w.write((p[1] - min[1]) as u64, width[1]);
    }
    out.extend(w.finish());
    out
}

fn encode_rice(q: &[[i64; 2]]) -> Vec<u8> {
    let mut out = vec![1u8];
    put_varint(&mut out, q.len() as u64);
    let Some(first) = q.first() else { return out };
    put_varint(&mut out, zigzag(first[0]));
    put_varint(&mut out, zigzag(first[1]));
    let deltas: Vec<[u64; 2]> = q
        .windows(2)
        .map(|w| [zigzag(w[1][0] - w[0][0]), zigzag(w[1][1] - w[0][1])])
        .collect();
    let mut w = BitWriter::default();
    for block in deltas.chunks(BLOCK) {
        let k = [0, 1].map(|a| best_rice_k(block.iter().map(|d| d[a])));
        w.write(u64::from(k[0]), 5);
        w.write(u64::from(k[1]), 5);
        for d in block {
            w.rice(d[0], k[0]);
            w.rice(d[1], k[1]);
        }
    }
    out.extend(w.finish());
    out
}

/// The Rice parameter minimising the coded length of `vals`.
fn best_rice_k(vals: impl Iterator<Item = u64> + Clone) -> u32 {
    (0..=MAX_WIDTH)
        .min_by_key(|&k| {
            vals.clone()
                .map(|v| (v >> k) + 1 + u64::from(k))
                .sum::<u64>()
        })
        .unwrap_or(0)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

struct ByteReader<'a> {
    b: &'a [u8],
    i: usize,
}

impl ByteReader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.i)?;
        self.i += 1;
        Some(v)
    }

    /// LEB128, at most 10 bytes.
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn zigzag(&mut self) -> Option<i64> {
        self.varint().map(unzigzag)
    }
}

#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    /// Writes the low `bits` (≤ 32) bits of `v`, LSB first.
    fn write(&mut self, v: u64, bits: u32) {
        if bits == 0 {
            return;
        }
        self.acc |= (v & ((1u64 << bits) - 1)) << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn rice(&mut self, v: u64, k: u32) {
        let mut q = v >> k;
        while q > 0 {
            let run = q.min(32);
            self.write((1u64 << run) - 1, run as u32);
            q -= run;
        }
        self.write(0, 1);
        self.write(v, k);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

struct BitReader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> BitReader<'a> {
    fn new(b: &'a [u8]) -> Self {
        BitReader { b, pos: 0 }
    }

    fn bit(&mut self) -> Option<u64> {
        let byte = *self.b.get(self.pos / 8)?;
        let v = u64::from((byte >> (self.pos % 8)) & 1);
        self.pos += 1;
        Some(v)
    }

    /// Reads `bits` (≤ 32) bits, LSB first.
    fn read(&mut self, bits: u32) -> Option<u64> {
        let mut v = 0;
        for k in 0..bits {
            v |= self.bit()? << k;
        }
        Some(v)
    }

    /// A Rice-coded value; `None` at the end of the data or for a quotient no encoder writes.
    fn rice(&mut self, k: u32) -> Option<u64> {
        let limit = (1u64 << MAX_WIDTH) >> k;
        let mut q = 0u64;
        while self.bit()? == 1 {
            q += 1;
            if q > limit {
                return None;
            }
        }
        Some((q << k) | self.read(k)?)
    }
}
