//! Input: Pointer Events on the canvas (mouse, touch and pen alike), keyboard shortcuts, files
//! dropped on the canvas. Each handler decodes its event and calls actions.

pub mod drop;
pub mod keyboard;
pub mod pointer;
