//! The browser side: the only module with signals, effects, events, timers and canvases.
//!
//! `start` mounts [`app::App`]; components stay thin and call the pure `core`, `render` and
//! `state` modules for everything that can be tested natively. One animation-frame loop
//! (`frame`) drives training slices and redraws; the non-reactive `session` holds the model.

mod app;
mod bench;
mod canvas;
mod chart;
mod compare;
mod draw2d;
mod editor;
mod frame;
mod gif_export;
mod handles_draw;
mod history;
mod lessons_view;
mod main_view;
mod persist;
mod pointer;
mod session;
mod share;
mod state;
mod thumbs;

/// Mount the app on `<body>` (called by `main`).
pub fn start() {
    console_error_panic_hook::set_once();
    // Read `#bench` before the app rewrites the fragment with its state.
    let bench = bench::requested();
    leptos::mount::mount_to_body(app::App);
    if let Some(quick) = bench {
        bench::start(quick);
    }
}
