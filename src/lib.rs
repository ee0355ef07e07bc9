//! Flow Playground: planar and radial normalizing flows (Rezende & Mohamed 2015,
//! *Variational Inference with Normalizing Flows*), with exact densities, in the browser.
//!
//! Data flows one way:
//!
//! ```text
//!   ui (leptos, web_sys: signals, events, canvases)      -- wasm only
//!    └──> session (pure: the session, undo history, comparison runs, link <-> config, GIF plan)
//!          ├──> render (pure: numbers -> RGBA buffers, polylines in canvas space)
//!          ├──> state  (pure: everything a link reproduces, and its tolerant codec)
//!          └──> core   (pure: layers, flows, objectives, training; no clock, no global RNG)
//! ```
//!
//! `core`, `state`, `render` and `session` never name a browser crate; those crates are not even
//! dependencies of the native build, and `tests/purity.rs` checks the sources as well.
//! `tests/layers.rs` checks that imports follow this order and form no cycle.

pub use flow_engine::core;
pub mod render;
pub mod session;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod ui;
