//! The single-file embed a lecturer downloads for a course platform's file area: the build's
//! `embed.html` (`scripts/embed-html/build.mjs`) with the app's address and a state baked into
//! its two `<meta>` placeholders. Pure text, tested natively (`tests/state_embed_file.rs`).

/// The placeholder for where the full app is (the "open in a new tab" links).
pub const APP_META: &str = r#"<meta name="flow-playground-app" content="./">"#;
/// The placeholder for the state shown when the file's address has no fragment.
pub const STATE_META: &str = r#"<meta name="flow-playground-state" content="">"#;

/// `text` as an HTML attribute value (between double quotes).
fn attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// `html` (the deployed `embed.html`) with `app_url` and the link fragment `state` baked in.
/// An error if `html` lacks either placeholder (not the single-file embed of this version).
pub fn bake(html: &str, app_url: &str, state: &str) -> Result<String, String> {
    if html.matches(APP_META).count() != 1 || html.matches(STATE_META).count() != 1 {
        return Err("embed.html on the server is not this version's single-file embed".into());
    }
    Ok(html
        .replacen(
            APP_META,
            &format!(
                r#"<meta name="flow-playground-app" content="{}">"#,
                attr(app_url)
            ),
            1,
        )
        .replacen(
            STATE_META,
            &format!(
                r#"<meta name="flow-playground-state" content="{}">"#,
                attr(state)
            ),
            1,
        ))
}
