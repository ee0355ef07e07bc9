//! Exports: the view as a PNG, the points as CSV or JSON, the model as JSON.

use leptos::prelude::*;

use crate::state;
use crate::state::numtext::num;
use crate::ui::browser::{download, fetch, page};
use crate::ui::context::{NoticeKind, Ui};
use crate::ui::draw::compose;

fn report(ui: Ui, r: Result<(), String>) {
    if let Err(e) = r {
        ui.notify(NoticeKind::Error, format!("Export failed: {e}"));
    }
}

/// The view as a PNG at `scale` × its CSS size, with a legend strip.
pub fn png(ui: Ui, scale: f64) {
    let r = (|| {
        let (_, overlay) = compose::view_canvases()?;
        let side = (overlay.client_width().max(64) as f64 * scale).round();
        let stage = ui.stage.get_untracked();
        let k = ui.session.with_value(|s| s.k());
        let out = compose::compose(&ui.legend.get_untracked(), stage, k, side, scale, None)?;
        let url = out
            .to_data_url_with_type("image/png")
            .map_err(|_| "the browser refused to encode the PNG")?;
        download::url_as(&format!("flow-stage-{}.png", num(stage, 2)), &url)
    })();
    report(ui, r);
}

/// The points as CSV.
pub fn points_csv(ui: Ui) {
    let text = ui.session.with_value(|s| state::points_to_csv(s.points()));
    report(ui, download::text("points.csv", "text/csv", &text));
}

/// The points as JSON.
pub fn points_json(ui: Ui) {
    let text = ui.session.with_value(|s| state::points_to_json(s.points()));
    report(ui, download::text("points.json", "application/json", &text));
}

/// The model (layer kinds and raw parameters) as JSON.
pub fn model_json(ui: Ui) {
    match ui.session.with_value(|s| {
        state::model_to_json(s.flow().kinds(), s.flow().params(), s.flow().direction())
    }) {
        Some(j) => report(ui, download::text("model.json", "application/json", &j)),
        None => ui.notify(NoticeKind::Error, "The model could not be exported."),
    }
}

/// The single-file embed for a course platform's file area: the deployed `embed.html` (beside
/// the app, fetched now) with the app's address and the current state baked in.
pub fn single_file(ui: Ui) {
    let state = super::link::embed_state(ui);
    let app = page::app_url();
    leptos::task::spawn_local(async move {
        let html = fetch::text("embed.html").await;
        report(
            ui,
            html.ok_or_else(|| "embed.html could not be fetched from the app's site".to_string())
                .and_then(|h| state::embed_file::bake(&h, &app, &state))
                .and_then(|f| download::text("flow-playground-embed.html", "text/html", &f)),
        );
    });
}
