//! The downloadable single-file embed: the app's address and the state go into `embed.html`'s
//! two placeholders, escaped as attribute values; anything else is refused.

use flow_playground::state::embed_file::{bake, APP_META, STATE_META};

fn page() -> String {
    format!("<!doctype html><head>{APP_META}{STATE_META}<script>x</script></head>")
}

#[test]
fn bakes_app_and_state() {
    let out = bake(
        &page(),
        "https://u.example/a?b=1&c=\"2\"",
        "v=1&K=8&embed=1",
    )
    .unwrap();
    assert!(out.contains(
        r#"<meta name="flow-playground-app" content="https://u.example/a?b=1&amp;c=&quot;2&quot;">"#
    ));
    assert!(
        out.contains(r#"<meta name="flow-playground-state" content="v=1&amp;K=8&amp;embed=1">"#)
    );
    assert!(out.ends_with("<script>x</script></head>"));
    assert!(!out.contains(APP_META) && !out.contains(STATE_META));
}

#[test]
fn refuses_other_pages() {
    assert!(bake("<html>404</html>", "https://u/", "v=1").is_err());
    // A file baked once has no placeholders left.
    let once = bake(&page(), "https://u/", "v=1").unwrap();
    assert!(bake(&once, "https://u/", "v=1").is_err());
}
