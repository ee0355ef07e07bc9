//! Links, local storage, export and import: the browser half of `state`'s codec.
//!
//! The current state is written to the URL fragment with `history.replaceState` (so dragging a
//! slider never floods the history) and to `localStorage`, at most a few times a second. On
//! start, a link wins over local storage; whatever `decode` ignored is shown as a notice.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::{Hyper, Init, Objective, StackPattern, Trainer};
use crate::render::ViewTransform;
use crate::state::{self, Config, EmbedConfig, LinkFit, Mode, PresetInfo, Scale};

use super::main_view::Overlays;
use super::session::Target;
use super::state::{NoticeKind, TargetChoice, Ui};

/// Local-storage key of the saved session.
pub const STORAGE_KEY: &str = "flow-playground:v1";

/// The current state as a link config.
pub fn snapshot(ui: Ui) -> Config {
    let mut cfg = Config::default();
    ui.session.with_value(|s| {
        cfg.kinds = s.trainer.flow().kinds().to_vec();
        cfg.params = s.trainer.flow().params().to_vec();
        cfg.seed = s.spec.seed;
        cfg.points = s.points.clone();
        cfg.train.step = s.trainer.step_count();
    });
    cfg.mode = match ui.target.get_untracked() {
        TargetChoice::Preset(p) => Mode::Points(Some(
            ui.preset_info.get_untracked().unwrap_or(PresetInfo::new(p)),
        )),
        TargetChoice::Drawn => Mode::Points(None),
        TargetChoice::Energy(e) => Mode::Energy(e),
    };
    // A preset whose points were edited is stored as drawn points.
    if let Mode::Points(Some(info)) = cfg.mode {
        if info.generate() != cfg.points {
            cfg.mode = Mode::Points(None);
        }
    }
    cfg.train.lr = ui.lr.get_untracked();
    cfg.train.batch = ui.batch.get_untracked();
    cfg.train.anneal = ui.annealing.get_untracked();
    cfg.train.anneal_steps = ui.anneal_steps.get_untracked();
    let o = ui.overlays.get_untracked();
    cfg.view.stage = ui.stage.get_untracked();
    cfg.view.playing = ui.playing.get_untracked();
    cfg.view.speed = ui.speed.get_untracked();
    cfg.view.looping = ui.looping.get_untracked();
    cfg.view.overlays = state::Overlays {
        grid: o.grid,
        particles: o.particles,
        data: o.data,
        contours: o.data,
        volume: o.volume,
    };
    cfg.view.scale = if ui.log_scale.get_untracked() {
        Scale::Log
    } else {
        Scale::Linear
    };
    let w = ui.window.get_untracked();
    cfg.view.center = w.center;
    cfg.view.half_extent = w.half_extent;
    cfg.embed = ui.embed.get_untracked();
    cfg.view.selected = ui
        .selected_layer
        .get_untracked()
        .filter(|&i| i < cfg.kinds.len());
    cfg.lesson = ui.lesson.get_untracked();
    cfg.compare = ui.compare.get_untracked();
    cfg
}

/// Make the app show `cfg` (the config satisfies `Config::check`, as `decode` guarantees).
pub fn apply(ui: Ui, cfg: &Config) {
    ui.training.set(false);
    let target = match cfg.mode {
        Mode::Points(Some(info)) => {
            ui.preset_info.set(Some(info));
            TargetChoice::Preset(info.preset)
        }
        Mode::Points(None) => TargetChoice::Drawn,
        Mode::Energy(e) => TargetChoice::Energy(e),
    };
    ui.target.set(target);
    ui.lr.set(cfg.train.lr);
    ui.batch.set(cfg.train.batch);
    ui.annealing.set(cfg.train.anneal);
    ui.anneal_steps.set(cfg.train.anneal_steps);
    let annealing = super::app::annealing_of(cfg.train.anneal, cfg.train.anneal_steps);
    let problem = ui.session.try_update_value(|s| {
        s.points = cfg.points.clone();
        s.target = match cfg.mode {
            Mode::Energy(e) => Target::Energy(e),
            Mode::Points(_) => Target::Points,
        };
        s.preset_floor = match cfg.mode {
            Mode::Points(Some(info))
                if (info.noise - info.preset.default_noise()).abs() < 1e-12 =>
            {
                Some(info.preset.entropy_floor())
            }
            _ => None,
        };
        s.spec.k = cfg.kinds.len();
        s.spec.pattern = StackPattern::Custom(cfg.kinds.clone());
        s.spec.seed = cfg.seed;
        let mut hyper = match s.target {
            Target::Points => Hyper::ml_default(),
            Target::Energy(_) => Hyper::energy_default(),
        };
        hyper.lr = cfg.train.lr;
        hyper.batch = cfg.train.batch;
        hyper.clip = cfg.train.clip;
        let r = s.rebuild(hyper, annealing);
        let params = cfg.params_or_init();
        s.trainer.set_params(&params);
        r.err()
    });
    let k = cfg.kinds.len();
    ui.k.set(k);
    ui.stage.set(cfg.view.stage.clamp(0.0, k as f64));
    ui.playing.set(cfg.view.playing);
    ui.speed.set(cfg.view.speed);
    ui.looping.set(cfg.view.looping);
    let o = cfg.view.overlays;
    ui.overlays.set(Overlays {
        grid: o.grid,
        particles: o.particles,
        data: o.data || o.contours,
        volume: o.volume,
    });
    ui.log_scale.set(cfg.view.scale == Scale::Log);
    ui.window.set(ViewTransform {
        center: cfg.view.center,
        half_extent: cfg.view.half_extent,
        ..ViewTransform::new(1.0, 1.0)
    });
    ui.embed.set(cfg.embed.clone());
    // The layer open in the editor (its handles show at its input stage, as the link's stage).
    super::editor::select(ui, cfg.view.selected, false);
    ui.lesson.set(cfg.lesson);
    match cfg.compare {
        Some(c) => super::compare::start(ui, c),
        None => super::compare::stop(ui),
    }
    super::app::sync_data(ui);
    if let Some(Some(p)) = problem {
        ui.notify(
            NoticeKind::Error,
            format!("Training is off until the data is usable: {p}"),
        );
    }
    ui.bump();
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The fragment of the page URL (without `#`), if any.
pub fn current_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

fn storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.local_storage().ok().flatten())
}

/// On start: restore from the link, else from local storage. Returns true if something was
/// restored.
pub fn restore(ui: Ui) -> bool {
    let hash = current_hash();
    let (source, text) = if !hash.is_empty() && hash != "bench" && !hash.starts_with("bench&") {
        ("link", hash)
    } else if let Some(saved) = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) {
        ("saved session", saved)
    } else {
        return false;
    };
    let (cfg, warnings) = state::decode(&text);
    apply(ui, &cfg);
    match state::warning::notice(&warnings) {
        Some(msg) => ui.notify(
            NoticeKind::Warn,
            format!("Loaded the {source}, but ignored: {msg}"),
        ),
        None if source == "saved session" => ui.notify(
            NoticeKind::Info,
            "Restored your last session from this browser.",
        ),
        None => {}
    }
    true
}

/// What `save` last wrote, so unchanged states are not re-encoded into storage.
#[derive(Default)]
pub struct Saver {
    last: String,
    warned_long: bool,
    warned_storage: bool,
}

/// Write the state to the URL fragment (if it fits) and to local storage.
pub fn save(ui: Ui, saver: &mut Saver) {
    let frag = state::encode(&snapshot(ui));
    if frag == saver.last {
        return;
    }
    let fit = state::link_fit(&frag);
    if let Some(w) = window() {
        if let Ok(history) = w.history() {
            let url = if fit.fits() {
                format!("#{frag}")
            } else {
                "#".to_string()
            };
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    if let LinkFit::TooLong { .. } = fit {
        if !saver.warned_long {
            saver.warned_long = true;
            if let Some(m) = fit.message() {
                ui.notify(NoticeKind::Warn, m);
            }
        }
    } else {
        saver.warned_long = false;
    }
    let stored = storage().map(|s| s.set_item(STORAGE_KEY, &frag));
    // An embedded demo (often in a sandboxed iframe without storage) keeps quiet about it.
    if !matches!(stored, Some(Ok(())))
        && !saver.warned_storage
        && !ui.embed.with_untracked(|e| e.embed)
    {
        saver.warned_storage = true;
        ui.notify(NoticeKind::Warn, "This browser will not let the page save your work (storage is full or disabled). Everything still works; use Copy link or Export to keep it.");
    }
    saver.last = frag;
}

/// The page's address without its fragment.
fn page_base() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// The shareable link of the current state, if it fits in a URL.
pub fn share_url(ui: Ui) -> Result<String, String> {
    let frag = state::encode(&snapshot(ui));
    let fit = state::link_fit(&frag);
    if let Some(m) = fit.message() {
        return Err(m);
    }
    let base = page_base();
    Ok(format!("{base}#{frag}"))
}

/// An `<iframe>` snippet embedding the current state (canvas and timeline only).
pub fn embed_snippet(ui: Ui) -> Result<String, String> {
    let mut cfg = snapshot(ui);
    cfg.embed = EmbedConfig {
        embed: true,
        hide: Vec::new(),
    };
    let frag = state::encode(&cfg);
    if let Some(m) = state::link_fit(&frag).message() {
        return Err(m);
    }
    let base = page_base();
    let src = format!("{base}#{frag}")
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    Ok(format!(
        "<iframe src=\"{src}\" title=\"Flow Playground: normalizing flow demo\" width=\"640\" height=\"820\" style=\"border:0;max-width:100%\" sandbox=\"allow-scripts allow-downloads\" loading=\"lazy\"></iframe>"
    ))
}

/// Offer `bytes` as a download named `name`.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    download_part(name, mime, &js_sys::Uint8Array::from(bytes))
}

/// Offer `text` as a download named `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    download_part(name, mime, &wasm_bindgen::JsValue::from_str(text))
}

/// Offer a one-part blob (a string or a byte array) as a download named `name`.
fn download_part(name: &str, mime: &str, part: &wasm_bindgen::JsValue) -> Result<(), String> {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_blob_sequence_and_options(&js_sys::Array::of1(part), &opts)
        .map_err(|_| "could not create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "could not create the file".to_string())?;
    let r = download_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    r
}

/// Click a temporary `<a download>` for `url`.
pub fn download_url(name: &str, url: &str) -> Result<(), String> {
    let doc = window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "no anchor")?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    a.set_href(url);
    a.set_download(name);
    a.set_hidden(true);
    doc.body()
        .ok_or("no body")?
        .append_child(&a)
        .map_err(|_| "no body")?;
    a.click();
    a.remove();
    Ok(())
}

/// The main view's density and overlay canvases.
fn view_canvases() -> Result<(web_sys::HtmlCanvasElement, web_sys::HtmlCanvasElement), String> {
    let doc = window().and_then(|w| w.document()).ok_or("no document")?;
    let get = |id: &str| -> Option<web_sys::HtmlCanvasElement> {
        doc.get_element_by_id(id)?.dyn_into().ok()
    };
    let heat = get("main-canvas").ok_or("the density canvas is missing")?;
    let overlay = get("overlay-canvas").ok_or("the overlay canvas is missing")?;
    Ok((heat, overlay))
}

/// Export the current view as a PNG at `scale` × its CSS size: the density (smoothly scaled),
/// the overlays, and a legend strip with the colour scale and the stage.
pub fn export_png(ui: Ui, scale: f64) -> Result<(), String> {
    let (_, overlay) = view_canvases()?;
    let side = (overlay.client_width().max(64) as f64 * scale).round();
    let out = compose(ui, side, scale, None)?;
    let url = out
        .to_data_url_with_type("image/png")
        .map_err(|_| "the browser refused to encode the PNG")?;
    download_url(
        &format!(
            "flow-stage-{}.png",
            super::app::num(ui.stage.get_untracked(), 2)
        ),
        &url,
    )
}

/// Composes the current view on a new canvas `side` pixels square with a legend strip below
/// (text scaled by `scale`); `out` reuses a canvas (the GIF recorder's).
pub fn compose(
    ui: Ui,
    side: f64,
    scale: f64,
    out: Option<web_sys::HtmlCanvasElement>,
) -> Result<web_sys::HtmlCanvasElement, String> {
    let doc = window().and_then(|w| w.document()).ok_or("no document")?;
    let (heat, overlay) = view_canvases()?;
    let strip = (48.0 * scale).round();
    let out: web_sys::HtmlCanvasElement = match out {
        Some(c) => c,
        None => doc
            .create_element("canvas")
            .map_err(|_| "no canvas")?
            .dyn_into()
            .map_err(|_| "no canvas")?,
    };
    super::canvas::ensure_size(&out, side as u32, (side + strip) as u32);
    let ctx = super::canvas::context_2d(&out).ok_or("no 2-D context")?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, side, side + strip);
    ctx.set_image_smoothing_enabled(true);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&heat, 0.0, 0.0, side, side)
        .map_err(|_| "drawing failed")?;
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&overlay, 0.0, 0.0, side, side)
        .map_err(|_| "drawing failed")?;
    // Legend strip: gradient bar and labels.
    let legend = ui.legend.get_untracked();
    let cmap = match legend {
        super::main_view::Legend::Volume { .. } => crate::render::Colormap::Diverging,
        _ => crate::render::Colormap::Viridis,
    };
    let bar_x = 12.0 * scale;
    let bar_w = side * 0.45;
    for i in 0..=100 {
        let [r, g, b] = cmap.at(i as f64 / 100.0);
        ctx.set_fill_style_str(&format!("rgb({r},{g},{b})"));
        ctx.fill_rect(
            bar_x + bar_w * i as f64 / 101.0,
            side + 10.0 * scale,
            bar_w / 100.0 + 1.0,
            14.0 * scale,
        );
    }
    ctx.set_fill_style_str("#1b1a26");
    ctx.set_font(&format!("{}px sans-serif", (13.0 * scale).round()));
    let k = ui.k.get_untracked();
    let label = match legend {
        super::main_view::Legend::Density {
            scale: crate::render::DensityScale::Linear,
            max_log,
        } => {
            format!("density 0 … {}", super::app::num(max_log.exp(), 3))
        }
        super::main_view::Legend::Density { max_log, .. } => {
            format!("log density … {}", super::app::num(max_log, 2))
        }
        super::main_view::Legend::Volume { step, range } => {
            format!(
                "log|det J| step {step}: −{0} … +{0}",
                super::app::num(range, 2)
            )
        }
    };
    let _ = ctx.fill_text(&label, bar_x + bar_w + 12.0 * scale, side + 22.0 * scale);
    let _ = ctx.fill_text(
        &format!(
            "stage {} of {k} · Flow Playground",
            super::app::num(ui.stage.get_untracked(), 2)
        ),
        bar_x,
        side + 40.0 * scale,
    );
    Ok(out)
}

/// Replace or extend the points with an imported file's points; reports bad lines.
pub fn import_points_text(ui: Ui, text: &str, replace: bool) {
    match state::parse_points(text) {
        Err(e) => ui.notify(
            NoticeKind::Error,
            format!("Import failed: {e}. Nothing was changed."),
        ),
        Ok((pts, errors)) => {
            let mode = if replace {
                state::ImportMode::Replace
            } else {
                state::ImportMode::Append
            };
            let existing = ui.session.with_value(|s| s.points.clone());
            let (merged, cap) = state::merge_points(&existing, &pts, mode);
            super::history::checkpoint(ui);
            ui.session.update_value(|s| s.points = merged);
            if !matches!(ui.target.get_untracked(), TargetChoice::Drawn) {
                ui.target.set(TargetChoice::Drawn);
                ui.session.update_value(|s| s.target = Target::Points);
                super::app::rebuild(ui);
            }
            super::app::points_changed(ui);
            let mut msg = format!("Imported {} points.", pts.len());
            if !errors.is_empty() {
                let lines: Vec<String> = errors.iter().take(8).map(|e| e.to_string()).collect();
                msg.push_str(&format!(
                    " Skipped {} bad row{}: {}{}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    lines.join("; "),
                    if errors.len() > 8 { "; …" } else { "" }
                ));
            }
            if let Some(w) = cap {
                msg.push_str(&format!(" {w}"));
            }
            let kind = if errors.is_empty() {
                NoticeKind::Info
            } else {
                NoticeKind::Warn
            };
            ui.notify(kind, msg);
        }
    }
}

/// Load a model JSON (layers and raw parameters), keeping the current target.
pub fn import_model_text(ui: Ui, text: &str) {
    match state::model_from_json(text) {
        Err(e) => ui.notify(
            NoticeKind::Error,
            format!("Model import failed: {e}. Nothing was changed."),
        ),
        Ok((kinds, params)) => {
            super::history::checkpoint(ui);
            let ok = ui.session.try_update_value(|s| {
                let objective: Objective = s.trainer.objective().clone();
                let hyper = *s.trainer.hyper();
                match Trainer::new(&kinds, Init::Default, objective, hyper, s.spec.seed) {
                    Ok(mut t) => {
                        t.set_params(&params);
                        s.trainer = t;
                        s.spec.k = kinds.len();
                        s.spec.pattern = StackPattern::Custom(kinds.clone());
                        true
                    }
                    Err(_) => false,
                }
            });
            if ok == Some(true) {
                ui.k.set(kinds.len());
                ui.stage.set(kinds.len() as f64);
                ui.notify(
                    NoticeKind::Info,
                    format!("Loaded a model with {} layers.", kinds.len()),
                );
                ui.bump();
            } else {
                ui.notify(
                    NoticeKind::Error,
                    "The model could not be loaded with the current data.",
                );
            }
        }
    }
}
