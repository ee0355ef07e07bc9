//! Thin wrappers over `web_sys`: the clock, the page (location, history, media queries),
//! local storage, compression, downloads, reading files, the clipboard, recording a canvas as video, the parent window of a framed page, and
//! the one path for their failures ([`report`]). A leaf: nothing else of `ui`.

pub mod clipboard;
pub mod compress;
pub mod download;
pub mod fetch;
pub mod files;
pub mod page;
pub mod parent;
pub mod recorder;
pub mod report;
pub mod storage;

/// Milliseconds since page load (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
