//! The browser side: the only module with signals, effects, events, timers and canvases.
//!
//! Every user action travels one way — **event → action → session/config → frame loop →
//! draw** — and nothing comes back:
//!
//! ```text
//!   app        composition root: builds the Ui context, mounts panels, registers frame jobs
//!    ├─ panels   one component per file: show values derived from the Ui, call actions
//!    ├─ input    pointer, keyboard, dropped files: decode events, call actions
//!    ├─ frame    the animation-frame loop: a scheduler of jobs (frame/jobs: one file each)
//!    ├─ bench    the #bench page, a frame job that drives the same actions as the user
//!    │    └─ actions  the only code that changes the session, the view's settings and the
//!    │         │      page's stored values; undo checkpoints live here
//!    │         └─ draw   every canvas write; reads the session, never changes it
//!    ├─ worker   the page's second core: the worker's end and the page's client
//!    └─ context, browser leaves: the Ui context (signals, derived facts, stored values) and thin
//!                        web_sys wrappers
//! ```
//!
//! Ranks, enforced by `tests/layers.rs`: `app` > `panels`, `input`, `frame`, `bench` >
//! `actions` > `draw`, `worker` > `context`, `browser`. A file imports only lower ranks or files of its own
//! folder, and no import cycle exists among the files of `src/`.

mod actions;
mod app;
mod bench;
mod browser;
mod context;
mod draw;
mod frame;
mod input;
mod panels;
mod worker;

/// Mounts the app on `<body>` (called by `main`). `#bench` is read before the app rewrites the
/// fragment with its state.
///
/// Never inlined: `main` is compiled at `opt-level = 3` (it is the crate fat LTO links, so the
/// engine's loops are vectorised), and everything inlined into it would be optimised for speed
/// too; behind this call the UI keeps the size optimisation it was compiled with (Cargo.toml;
/// 0.9 kB of the gzipped WebAssembly).
#[inline(never)]
pub fn start() {
    // The same module runs the page's worker (`ui/worker`), where there is no window.
    if web_sys::window().is_none() {
        worker::host::start();
        return;
    }
    console_error_panic_hook::set_once();
    let bench = bench::requested();
    leptos::mount::mount_to_body(move || leptos::view! { <app::App bench=bench /> });
    // The static first paint of index.html gives way to the app.
    browser::page::remove_by_id("boot");
}
