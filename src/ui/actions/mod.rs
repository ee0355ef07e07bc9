//! The only code that changes the session, the view's settings or the page's stored values
//! (the undo stack, the comparison, the editor, the GIF recorder). Panels, keyboard shortcuts,
//! pointer input, the frame jobs and the bench page all call these functions; undo checkpoints
//! are taken here, inside the actions that need them, never at call sites.
//!
//! | file | actions |
//! |---|---|
//! | `training` | train / pause, one step, reset, the frame's training slice, divergence |
//! | `model` | the stack's depth, pattern and seed |
//! | `data` | the target, preset settings, learning rate, batch, annealing, brush strokes, imports |
//! | `typed` | a typed energy: check its formula, fit it or say where it is wrong |
//! | `layers` | the layer editor on one layer: handle drags, typed values |
//! | `stack` | the layer editor on the stack: add where clicked, move, duplicate, delete |
//! | `selection` | the layer open in the editor |
//! | `view` | stage, playback, overlays, zoom and pan, tool, probe |
//! | `compare` | the comparison: open, close, train |
//! | `lesson` | one-click lessons |
//! | `authored` | lessons the user authors: steps, presenting, the lesson as a link or a file |
//! | `embed` | what an embedding page asks: a lesson, a link's state (keeping the embed settings) |
//! | `history` | undo checkpoints, undo, redo |
//! | `link` | the state ↔ link config: restore on start, save to the URL and storage, apply |
//! | `export` | PNG, files, the share link and the embed snippet |
//! | `gif` | recording GIFs |
//! | `video` | recording videos (WebM, MP4) and PNG-frame ZIPs |
//! | `common` | what every rebuild or point edit is followed by |

pub mod authored;
pub mod common;
pub mod compare;
pub mod data;
pub mod embed;
pub mod export;
pub mod gif;
pub mod history;
pub mod layers;
pub mod lesson;
pub mod link;
pub mod model;
pub mod selection;
pub mod stack;
pub mod training;
pub mod typed;
pub mod video;
pub mod view;
