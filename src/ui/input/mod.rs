//! Input: Pointer Events on the canvas (mouse, touch and pen alike), keyboard shortcuts, files
//! dropped on the canvas, commands from the page that frames the app (`embed`). Each handler
//! decodes its event and calls actions.

pub mod drop;
pub mod embed;
pub mod keyboard;
pub mod pointer;
