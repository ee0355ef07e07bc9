//! Every canvas write: the main view (density and overlays), the layer handles, the filmstrip,
//! the loss chart and its sparkline, the comparison panels, and the composed picture of PNG and GIF exports.
//! Draw code reads the session; it never changes it.

pub mod canvas;
pub mod chart;
pub mod compare;
pub mod compose;
pub mod data_layer;
pub mod density;
pub mod draw2d;
pub mod handles;
pub mod inset;
pub mod main_view;
pub mod sparkline;
pub mod strokes;
pub mod thumbs;
pub mod trails;
