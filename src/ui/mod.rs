//! The browser side: the only module with signals, effects, events, timers and canvases.
//!
//! `start` mounts [`app::App`]; components stay thin and call the pure `core`, `render` and
//! `state` modules for everything that can be tested natively. One animation-frame loop
//! (`frame`) drives training slices and redraws; the non-reactive `session` holds the model.

mod app;
mod canvas;
mod chart;
mod draw2d;
mod frame;
mod main_view;
mod pointer;
mod session;
mod state;
mod thumbs;

/// Mount the app on `<body>` (called by `main`).
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
