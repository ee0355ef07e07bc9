//! The layer stack in a link: kinds as a short run-length string, raw parameters as bytes.
//!
//! **Kinds** (`layers` key): runs of `<count><letter>`, a missing count meaning 1: `16p`
//! (16 planar), `prpr` (alternating), `4p2r`. At most [`MAX_LAYERS`](crate::state::MAX_LAYERS)
//! layers. Letters (case-insensitive; the first two are those of every earlier link):
//!
//! | letter | kind |
//! |---|---|
//! | `p` | planar |
//! | `r` | radial |
//! | `s` | Sylvester |
//! | `a`, `b` | affine coupling keeping x, keeping y |
//! | `n`, `m` | rational-quadratic spline coupling keeping x, keeping y |
//! | `z` | scale (elementwise affine: `z ↦ e^{ℓ} ⊙ z + c`) |
//! | `f` | continuous flow, the flow-matching MLP field (RK4, 8 steps) |
//! | `c` | continuous planar flow (width 8, RK4, 16 steps) |
//!
//! A continuous layer with another solver or width carries it in brackets after its letter:
//! `f[midpoint,16]` (scheme, steps over `[0, 1]`), `c[32,rk4,16]` (width, scheme, steps).
//! Schemes: `euler`, `midpoint`, `rk4`; steps 1–128; widths 1–64.
//!
//! Coupling stacks alternate the kept coordinate after their leading scale layer, so the
//! default affine stack (scale + 8 affine layers) reads `zabababab` and the spline stack
//! `znmnm`. Links written before the scale layer existed never contain `z` and decode as before.
//! A scale layer's parameters are 4 values (32 bytes, 43 characters).
//!
//! **Parameters** (`params` key): the flat raw-parameter vector of `core::Flow` as
//! little-endian IEEE-754 `f64`, 8 bytes each, then base64url. `f64` rather than `f32`: the link
//! then reproduces the parameters bit for bit (identical densities everywhere, not just to
//! display precision, and decode∘encode is the identity), at a cost of 64 × 9 × 8 = 4,608 bytes
//! (6,144 characters) for the largest stack of small layers, ~850 characters for the default 16
//! planar layers. (With `f32` the densities would move by ~1e−6 relative — invisible, but not
//! exact.) Coupling layers carry their conditioners: 1,186 (affine) or 1,879 (spline) values,
//! i.e. 12,648 or 20,040 characters per layer, so a trained stack of more than four affine or
//! two spline layers exceeds [`MAX_URL_FRAGMENT`](crate::state::MAX_URL_FRAGMENT); such states
//! are offered as a file instead ([`crate::state::link_fit`] says so).

use crate::core::cnf::{CnfField, CnfSpec, Method};
use crate::core::{Keep, LayerKind};

/// Largest width of a continuous planar layer in a link.
pub const MAX_CNF_WIDTH: u8 = 64;
/// Largest number of solver steps in a link.
pub const MAX_CNF_STEPS: u8 = 128;

/// Letter of a layer kind in the `layers` string.
pub fn kind_letter(k: LayerKind) -> char {
    match k {
        LayerKind::Planar => 'p',
        LayerKind::Radial => 'r',
        LayerKind::Sylvester => 's',
        LayerKind::Affine(Keep::X) => 'a',
        LayerKind::Affine(Keep::Y) => 'b',
        LayerKind::Spline(Keep::X) => 'n',
        LayerKind::Spline(Keep::Y) => 'm',
        LayerKind::Scale => 'z',
        LayerKind::Cnf(s) => match s.field {
            CnfField::Mlp => 'f',
            CnfField::Planar(_) => 'c',
        },
    }
}

/// The default kind of each letter (a continuous letter without brackets).
fn letter_kinds() -> impl Iterator<Item = LayerKind> {
    LayerKind::ALL.into_iter().chain(LayerKind::CONTINUOUS)
}

/// The bracketed spec of a continuous kind, `""` when it is its letter's default.
fn spec_suffix(k: LayerKind) -> String {
    let LayerKind::Cnf(s) = k else {
        return String::new();
    };
    match s.field {
        CnfField::Mlp if s != CnfSpec::MLP => format!("[{},{}]", s.method.name(), s.steps),
        CnfField::Planar(w) if s != CnfSpec::planar(8) => {
            format!("[{w},{},{}]", s.method.name(), s.steps)
        }
        _ => String::new(),
    }
}

/// Reads the inside of a continuous kind's brackets for letter `c` (`'f'` or `'c'`).
fn parse_spec(letter: char, inside: &str) -> Result<LayerKind, String> {
    let parts: Vec<&str> = inside.split(',').map(str::trim).collect();
    let method_of = |t: &str| {
        Method::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| format!("unknown ODE scheme '{t}' (euler, midpoint or rk4)"))
    };
    let steps_of = |t: &str| match t.parse::<u8>() {
        Ok(n) if (1..=MAX_CNF_STEPS).contains(&n) => Ok(n),
        _ => Err(format!("solver steps must be 1–{MAX_CNF_STEPS}, not '{t}'")),
    };
    match (letter, parts.as_slice()) {
        ('f', [m, n]) => Ok(LayerKind::Cnf(CnfSpec {
            field: CnfField::Mlp,
            method: method_of(m)?,
            steps: steps_of(n)?,
        })),
        ('c', [w, m, n]) => {
            let width = match w.parse::<u8>() {
                Ok(w) if (1..=MAX_CNF_WIDTH).contains(&w) => w,
                _ => {
                    return Err(format!(
                        "a continuous planar width must be 1–{MAX_CNF_WIDTH}, not '{w}'"
                    ))
                }
            };
            Ok(LayerKind::Cnf(CnfSpec {
                field: CnfField::Planar(width),
                method: method_of(m)?,
                steps: steps_of(n)?,
            }))
        }
        _ => Err(format!(
            "a continuous layer's brackets read {}",
            if letter == 'f' {
                "f[rk4,8]"
            } else {
                "c[8,rk4,16]"
            }
        )),
    }
}

/// The kind written as `c` (either case), if any.
pub fn kind_of_letter(c: char) -> Option<LayerKind> {
    let c = c.to_ascii_lowercase();
    letter_kinds().find(|&k| kind_letter(k) == c)
}

/// The letters and kinds, for messages: `p = planar, r = radial, …`.
fn letter_list() -> String {
    letter_kinds()
        .map(|k| format!("{} = {}", kind_letter(k), k.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Run-length string of `kinds` (`""` for no layers).
pub fn encode_kinds(kinds: &[LayerKind]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < kinds.len() {
        let run = kinds[i..].iter().take_while(|&&k| k == kinds[i]).count();
        if run > 1 {
            out.push_str(&run.to_string());
        }
        out.push(kind_letter(kinds[i]));
        out.push_str(&spec_suffix(kinds[i]));
        i += run;
    }
    out
}

/// Parses a run-length string. `Err` for any character other than digits and the kind letters,
/// or a count without a letter; a stack longer than `max` is cut to `max` layers (`Ok` with
/// `true`).
pub fn decode_kinds(s: &str, max: usize) -> Result<(Vec<LayerKind>, bool), String> {
    let mut out = Vec::new();
    let mut cut = false;
    let mut count: Option<usize> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(d) = c.to_digit(10) {
            count = Some(
                count
                    .unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(d as usize),
            );
            continue;
        }
        let Some(mut kind) = kind_of_letter(c) else {
            return Err(format!(
                "expected runs like 16p or 4p2r ({})",
                letter_list()
            ));
        };
        if kind.is_continuous() && chars.peek() == Some(&'[') {
            chars.next();
            let mut inside = String::new();
            let mut closed = false;
            for ch in chars.by_ref() {
                if ch == ']' {
                    closed = true;
                    break;
                }
                inside.push(ch);
            }
            let letter = c.to_ascii_lowercase();
            if !closed {
                return Err(parse_spec(letter, "").unwrap_err());
            }
            kind = parse_spec(letter, &inside)?;
        }
        let n = count.take().unwrap_or(1);
        let room = max - out.len();
        cut |= n > room;
        out.extend(std::iter::repeat_n(kind, n.min(room)));
    }
    if count.is_some() {
        return Err("a count must be followed by a layer letter".into());
    }
    Ok((out, cut))
}

/// Number of raw parameters a stack of `kinds` needs.
pub fn n_params(kinds: &[LayerKind]) -> usize {
    kinds.iter().map(|k| k.n_params()).sum()
}

/// Little-endian `f64` bytes of `params`.
pub fn encode_params(params: &[f64]) -> Vec<u8> {
    params.iter().flat_map(|p| p.to_le_bytes()).collect()
}

/// Parameters from bytes; `Err` if the length is not a multiple of 8.
pub fn decode_params(bytes: &[u8]) -> Result<Vec<f64>, String> {
    if !bytes.len().is_multiple_of(8) {
        return Err(format!(
            "{} bytes is not a whole number of 8-byte values",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}
