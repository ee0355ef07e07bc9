//! An energy `U(x, y)` a lecturer types as a formula (`p ∝ exp(−U)`), checked before it is
//! trained on: it must parse, stay defined on the integration box, and hold its mass inside it.
//! Its normaliser `log Z = log ∫ exp(−U)` comes from midpoint quadrature on that box, with an
//! error estimate (docs/maths/formulas.md, "The floor of a typed energy").
//!
//! The box is fixed, `[−BOX, BOX]²`, not the view: the floor of a target must not change when
//! the view is zoomed, and the app's views live inside it.

use super::formula::{Formula, FormulaError, Scratch};
use super::num::Vec2;

/// Half-width of the integration box `[−BOX, BOX]²`.
pub const BOX: f64 = 8.0;
/// Cells per side of the quadrature grid (the error estimate uses half as many).
pub const CELLS: usize = 256;
/// Largest share of the mass allowed in the box's outer ring (cells within `BOX / 8` of its
/// edge) before the energy is called not normalisable on the box.
pub const EDGE_SHARE: f64 = 1e-3;

/// What quadrature on the box found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quadrature {
    /// `log Z` on [`CELLS`]² midpoint cells.
    pub log_z: f64,
    /// `|log Z(CELLS) − log Z(CELLS/2)|`: the size of the integration error (an over-estimate
    /// for smooth energies, whose midpoint error falls fast with the cell size).
    pub error: f64,
    /// Share of the mass in the outer ring of cells.
    pub edge_share: f64,
}

/// Why a typed energy cannot be trained on.
#[derive(Clone, Debug, PartialEq)]
pub enum TypedProblem {
    /// The formula does not parse.
    Syntax(FormulaError),
    /// `U` is undefined (NaN) or `−∞` at a point of the box.
    Undefined { at: Vec2 },
    /// `exp(−U)` is zero (or `U` overflows to `+∞`) everywhere on the box.
    NoMass,
    /// Too much mass at the box's edge: the density does not fall off inside the box.
    NotNormalisable { edge_share: f64 },
}

impl std::fmt::Display for TypedProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypedProblem::Syntax(e) => write!(f, "at character {}: {}", e.pos + 1, e.message),
            TypedProblem::Undefined { at } => write!(
                f,
                "U is undefined or −∞ at ({:.3}, {:.3}), so exp(−U) is not a density there",
                at[0], at[1]
            ),
            TypedProblem::NoMass => write!(
                f,
                "exp(−U) is zero everywhere in [−{BOX}, {BOX}]² (U is huge or +∞): nothing to fit"
            ),
            TypedProblem::NotNormalisable { edge_share } => write!(
                f,
                "{:.1} % of exp(−U)'s mass lies at the edge of [−{BOX}, {BOX}]², so it is not \
                 normalisable there; add a confining term such as + 0.05*(x^2 + y^2)",
                edge_share * 100.0
            ),
        }
    }
}

/// A typed energy that parses, is defined on the box and holds its mass there.
#[derive(Clone, Debug)]
pub struct TypedEnergy {
    text: String,
    formula: Formula,
    quad: Quadrature,
}

/// Two typed energies are the same target when their texts are.
impl PartialEq for TypedEnergy {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl TypedEnergy {
    /// Parses and checks `text` (quadrature on the box: ~82,000 evaluations of the formula).
    pub fn new(text: &str) -> Result<TypedEnergy, TypedProblem> {
        let formula = Formula::parse(text).map_err(TypedProblem::Syntax)?;
        let quad = quadrature(&formula)?;
        if quad.edge_share > EDGE_SHARE {
            return Err(TypedProblem::NotNormalisable {
                edge_share: quad.edge_share,
            });
        }
        Ok(TypedEnergy {
            text: text.to_string(),
            formula,
            quad,
        })
    }

    /// A typed energy already checked elsewhere, with its quadrature (a worker's copy of the
    /// page's target: parsing only).
    pub fn with_quadrature(text: &str, quad: Quadrature) -> Result<TypedEnergy, FormulaError> {
        Ok(TypedEnergy {
            text: text.to_string(),
            formula: Formula::parse(text)?,
            quad,
        })
    }

    /// The formula as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Quadrature's `log Z`, its error and the edge share.
    pub fn quadrature(&self) -> Quadrature {
        self.quad
    }

    /// `(U(z), ∇U(z))`.
    pub fn value_grad(&self, z: Vec2, scratch: &mut Scratch) -> (f64, Vec2) {
        self.formula.value_grad_with(z[0], z[1], scratch)
    }
}

/// Midpoint quadrature of `exp(−U)` on the box at `n`² cells: `(log Z, edge share)`.
fn log_z_at(
    formula: &Formula,
    n: usize,
    scratch: &mut Scratch,
) -> Result<(f64, f64), TypedProblem> {
    let h = 2.0 * BOX / n as f64;
    let ring = (n / 16).max(1);
    let mut neg_u = Vec::with_capacity(n * n);
    let mut edge = Vec::with_capacity(n * n);
    for j in 0..n {
        let y = -BOX + (j as f64 + 0.5) * h;
        for i in 0..n {
            let x = -BOX + (i as f64 + 0.5) * h;
            let (u, _) = formula.value_grad_with(x, y, scratch);
            if u.is_nan() || u == f64::NEG_INFINITY {
                return Err(TypedProblem::Undefined { at: [x, y] });
            }
            neg_u.push(-u);
            edge.push(i < ring || j < ring || i >= n - ring || j >= n - ring);
        }
    }
    let m = neg_u.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return Err(TypedProblem::NoMass);
    }
    let (mut total, mut at_edge) = (0.0, 0.0);
    for (v, e) in neg_u.iter().zip(&edge) {
        let w = (v - m).exp();
        total += w;
        if *e {
            at_edge += w;
        }
    }
    Ok((m + total.ln() + 2.0 * h.ln(), at_edge / total))
}

/// Quadrature on [`CELLS`]² cells with the error estimated on half as many.
pub fn quadrature(formula: &Formula) -> Result<Quadrature, TypedProblem> {
    let mut scratch = Scratch::default();
    let (log_z, edge_share) = log_z_at(formula, CELLS, &mut scratch)?;
    let (coarse, _) = log_z_at(formula, CELLS / 2, &mut scratch)?;
    Ok(Quadrature {
        log_z,
        // Refinement error, plus the edge ring's share as the size of the mass beyond the box.
        error: (log_z - coarse).abs() + edge_share,
        edge_share,
    })
}
