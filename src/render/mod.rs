//! Pure rendering: numbers in, pixels and shapes (in canvas space) out.
//!
//! Nothing here touches the browser; `ui::draw::canvas` is the one place that puts this module's
//! output (RGBA buffers, polylines, handle positions) on a real `<canvas>`. Conventions: data
//! space has y up, canvas space has y down and its origin at the top-left pixel corner; the flip
//! lives only in [`transform::ViewTransform`].
//!
//! | file | owns |
//! |---|---|
//! | `transform` | [`ViewTransform`]: data window ↔ canvas pixels |
//! | `colormap`, `heatmap` | [`Colormap`]; [`Heatmap`]: log-densities → RGBA ([`DensityScale`]) |
//! | `overlay`, `clip` | warped-grid lines, contours ([`overlay::Polylines`]); line clipping |
//! | `progressive` | [`progressive::Refiner`]: a heavy density picture computed a slice per frame, coarse first |
//! | `stage_cache` | [`stage_cache::StageCache`]: the warped grid pushed to a stage, reused |
//! | `stretch` | local stretch ellipses from each stage's 2×2 Jacobian |
//! | `fm_paths` | flow matching's conditional paths, noise to data, for a few points |
//! | `trails` | the trajectories overlay: particles' paths from the base, cut at the stage shown |
//! | `field_arrows` | the vector field of a continuous step at the time shown, as arrows |
//! | `handles`, `sylvester_handles` | the editor's handle geometry; raw parameters from a drag |
//! | `coupling` | a coupling layer's 1-D transformer curve ([`coupling::CouplingCurve`]) |
//! | `chart` | the loss chart laid out as canvas lines and labels, and the sparkline |
//! | `gif` | the GIF89a encoder (palette, mapping, LZW) |
//! | `zip` | a ZIP of stored files and its CRC-32 (the PNG-frame export) |

pub mod chart;
pub mod clip;
pub mod colormap;
pub mod coupling;
pub mod editor;
pub mod field_arrows;
pub mod fm_paths;
pub mod gif;
pub mod handles;
pub mod heatmap;
pub mod overlay;
pub mod progressive;
pub mod stage_cache;
pub mod stretch;
pub mod sylvester_handles;
pub mod trails;
pub mod transform;
pub mod view_plan;
pub mod zip;

pub use colormap::{Colormap, Rgb};
pub use heatmap::{DensityScale, Heatmap};
pub use transform::ViewTransform;
