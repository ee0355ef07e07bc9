//! Typed energies to start from: the paper's four written as formulas (so a lecturer can edit
//! them) and five posteriors a course uses. Each is checked by `tests/core_typed_energy.rs`:
//! it fits the integration box, and where its `log Z` has a closed form, quadrature meets it.

/// One entry of the gallery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GalleryEnergy {
    /// Short name for the menu.
    pub name: &'static str,
    /// `U(x, y)` as typed.
    pub formula: &'static str,
}

/// The gallery, in menu order.
pub const GALLERY: [GalleryEnergy; 9] = [
    GalleryEnergy {
        name: "banana",
        // x ~ N(0, 1), y | x ~ N(x²/2 − 1, 0.5²): log Z = log π.
        formula: "x^2/2 + 2*(y - x^2/2 + 1)^2",
    },
    GalleryEnergy {
        name: "funnel",
        // Neal's funnel, narrowed to fit the view: y ~ N(0, 1.5²), x | y ~ N(0, e^y/4):
        // log Z = log(1.5π).
        formula: "y^2/(2*1.5^2) + 2*x^2/exp(y) + y/2",
    },
    GalleryEnergy {
        name: "ring",
        formula: "0.5*((sqrt(x^2 + y^2) - 2.5)/0.3)^2",
    },
    GalleryEnergy {
        name: "two moons",
        // The two-moons energy of the normflows library.
        formula: "0.5*((sqrt(x^2 + y^2) - 2)/0.2)^2 + 0.5*((abs(x) - 2)/0.3)^2 - log(1 + exp(-4*abs(x)/0.09))",
    },
    GalleryEnergy {
        name: "mixture",
        // Three unit-weight Gaussians of variance 0.25: log Z = log(3π/2).
        formula: "-logaddexp(logaddexp(-0.5*((x - 2)^2 + y^2)/0.25, -0.5*((x + 1)^2 + (y - 1.7)^2)/0.25), -0.5*((x + 1)^2 + (y + 1.7)^2)/0.25)",
    },
    GalleryEnergy {
        name: "U1",
        formula: "0.5*((sqrt(x^2 + y^2) - 2)/0.4)^2 - log(exp(-0.5*((x - 2)/0.6)^2) + exp(-0.5*((x + 2)/0.6)^2))",
    },
    GalleryEnergy {
        name: "U2",
        formula: "0.5*((y - sin(pi*x/2))/0.4)^2 + 0.5*(max(abs(x) - 4, 0)/0.5)^2",
    },
    GalleryEnergy {
        name: "U3",
        formula: "-logaddexp(-0.5*((y - sin(pi*x/2))/0.35)^2, -0.5*((y - sin(pi*x/2) + 3*exp(-0.5*((x - 1)/0.6)^2))/0.35)^2) + 0.5*(max(abs(x) - 4, 0)/0.5)^2",
    },
    GalleryEnergy {
        name: "U4",
        formula: "-logaddexp(-0.5*((y - sin(pi*x/2))/0.4)^2, -0.5*((y - sin(pi*x/2) + 3*sigmoid((x - 1)/0.3))/0.35)^2) + 0.5*(max(abs(x) - 4, 0)/0.5)^2",
    },
];

/// The gallery entry of the paper's energy `name` (`"U1"` …).
pub fn paper_formula(name: &str) -> Option<&'static str> {
    GALLERY.iter().find(|g| g.name == name).map(|g| g.formula)
}
