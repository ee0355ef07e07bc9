//! The options of `#bench&…` (read from the fragment before the app mounts).

/// What `#bench&…` asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Options {
    /// `&quick`: the reduced workload.
    pub quick: bool,
    /// `&spline`: the `train_spline` scenario only.
    pub spline_only: bool,
    /// `&noworker`: train on the page's thread (the fallback's numbers).
    pub noworker: bool,
}

/// `Some(options)` if the page was opened as `#bench` or `#bench&…`. Read it before mounting:
/// the app later rewrites the fragment.
pub fn requested() -> Option<Options> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let rest = hash.strip_prefix("#bench")?;
    if !(rest.is_empty() || rest.starts_with('&')) {
        return None;
    }
    Some(Options {
        quick: rest.split('&').any(|o| o == "quick"),
        spline_only: rest.split('&').any(|o| o == "spline"),
        noworker: rest.split('&').any(|o| o == "noworker"),
    })
}
