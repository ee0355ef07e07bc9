//! Pure rendering: numbers in, pixels and shapes (in canvas space) out.
//!
//! Nothing here touches the browser; `ui::canvas` is the one place that puts a [`Frame`]'s
//! buffers on a real `<canvas>`. Conventions: data space has y up, canvas space has y down and
//! its origin at the top-left pixel corner; the flip lives only in [`transform::ViewTransform`].

pub mod chart;
pub mod clip;
pub mod colormap;
pub mod coupling;
pub mod editor;
pub mod gif;
pub mod handles;
pub mod heatmap;
pub mod overlay;
pub mod stage_cache;
pub mod stretch;
pub mod sylvester_handles;
pub mod transform;
pub mod view_plan;

pub use colormap::{Colormap, Rgb};
pub use heatmap::{DensityScale, Heatmap};
pub use transform::ViewTransform;
