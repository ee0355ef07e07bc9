//! [`Grid`]: the `nx × ny` cell centres on which the flow's densities are drawn (split out of
//! `flow`, which re-exports it).

use super::num::Vec2;

/// An `nx × ny` grid of cell centres over `[min, max]`, row-major with `x` fastest and `y`
/// increasing with the row (data space, y up): point `(i, j)` is at index `j·nx + i`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    /// Columns.
    pub nx: usize,
    /// Rows.
    pub ny: usize,
    /// Lower-left corner of the box.
    pub min: Vec2,
    /// Upper-right corner of the box.
    pub max: Vec2,
}

impl Grid {
    /// A square `n × n` grid over `[lo, hi]²`.
    pub fn square(n: usize, lo: f64, hi: f64) -> Self {
        Grid {
            nx: n,
            ny: n,
            min: [lo, lo],
            max: [hi, hi],
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.nx * self.ny
    }

    /// True if the grid has no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Area of one cell.
    pub fn cell_area(&self) -> f64 {
        (self.max[0] - self.min[0]) / self.nx as f64 * (self.max[1] - self.min[1]) / self.ny as f64
    }

    /// Cell centre `(i, j)`.
    pub fn point(&self, i: usize, j: usize) -> Vec2 {
        let dx = (self.max[0] - self.min[0]) / self.nx as f64;
        let dy = (self.max[1] - self.min[1]) / self.ny as f64;
        [
            self.min[0] + (i as f64 + 0.5) * dx,
            self.min[1] + (j as f64 + 0.5) * dy,
        ]
    }

    /// Writes all cell centres into `xs`, `ys` (resized to [`Grid::len`]).
    pub fn fill(&self, xs: &mut Vec<f64>, ys: &mut Vec<f64>) {
        xs.clear();
        ys.clear();
        for j in 0..self.ny {
            for i in 0..self.nx {
                let [x, y] = self.point(i, j);
                xs.push(x);
                ys.push(y);
            }
        }
    }
}
