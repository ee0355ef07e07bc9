//! The whole state as a link config, and back: what undo, lessons, the URL fragment and local
//! storage restore. The state is written to the fragment (`history.replaceState`, so no new
//! history entries) and to local storage a few times a second by the frame loop's save job; on
//! start a link wins over local storage, and whatever `decode` ignored is shown as a notice.

use leptos::prelude::*;

use crate::render::ViewTransform;
use crate::session::{Checkpoint, ViewParts};
use crate::state::{self, Config, EmbedConfig, LinkFit, Scale, ViewConfig};
use crate::ui::browser::{page, storage};
use crate::ui::context::{NoticeCause, NoticeKind, Overlays, Ui};

use super::{compare, selection};

/// Local-storage key of the saved session.
pub const STORAGE_KEY: &str = "flow-playground:v1";

/// The view's part of a link.
fn view_parts(ui: Ui) -> ViewParts {
    let o = ui.overlays.get_untracked();
    let w = ui.window.get_untracked();
    ViewParts {
        view: ViewConfig {
            stage: ui.stage.get_untracked(),
            playing: ui.playing.get_untracked(),
            speed: ui.speed.get_untracked(),
            looping: ui.looping.get_untracked(),
            overlays: state::Overlays {
                grid: o.grid,
                particles: o.particles,
                data: o.data,
                contours: o.data,
                volume: o.volume,
                stretch: o.stretch,
                field: o.field,
                paths: o.paths,
                trails: o.trails,
            },
            scale: if ui.log_scale.get_untracked() {
                Scale::Log
            } else {
                Scale::Linear
            },
            center: w.center,
            half_extent: w.half_extent,
            selected: ui.selected_layer.get_untracked(),
            trace_probes: ui.trace_probes.get_untracked(),
        },
        embed: ui.embed.get_untracked(),
        lesson: ui.lesson.get_untracked(),
        compare: ui.compare.get_untracked(),
    }
}

/// The current state as a link config.
pub fn snapshot(ui: Ui) -> Config {
    let parts = view_parts(ui);
    ui.session.with_value(|s| s.to_config(parts))
}

/// The current state as an undo checkpoint: the link config and the training progress.
pub fn checkpoint(ui: Ui) -> Checkpoint {
    let cfg = snapshot(ui);
    ui.session.with_value(|s| s.checkpoint(cfg))
}

/// Makes the app show `cfg` (a config that satisfies `Config::check`, as `decode` guarantees).
pub fn apply(ui: Ui, cfg: &Config) {
    ui.training.set(false);
    let problem = ui
        .session
        .try_update_value(|s| s.apply_config(cfg).err())
        .flatten();
    show(ui, cfg, problem);
}

/// Makes the app what the checkpoint `cp` holds, training progress included (undo, redo).
pub fn restore_checkpoint(ui: Ui, cp: &Checkpoint) {
    ui.training.set(false);
    let problem = ui
        .session
        .try_update_value(|s| s.restore(cp).err())
        .flatten();
    show(ui, &cp.config, problem);
}

/// The view's part of `cfg`, after the session has taken its part.
fn show(ui: Ui, cfg: &Config, problem: Option<String>) {
    let k = cfg.kinds.len();
    let v = &cfg.view;
    ui.stage.set(v.stage.clamp(0.0, k as f64));
    ui.playing.set(v.playing);
    ui.speed.set(v.speed);
    ui.looping.set(v.looping);
    let o = v.overlays;
    ui.overlays.set(Overlays {
        grid: o.grid,
        particles: o.particles,
        data: o.data || o.contours,
        volume: o.volume,
        stretch: o.stretch,
        field: o.field,
        paths: o.paths,
        trails: o.trails,
    });
    ui.log_scale.set(v.scale == Scale::Log);
    ui.trace_probes.set(v.trace_probes);
    ui.window.set(ViewTransform {
        center: v.center,
        half_extent: v.half_extent,
        ..ViewTransform::new(1.0, 1.0)
    });
    // The single-file embed (`embed.html`) is an embed whatever its link says.
    let mut embed = cfg.embed.clone();
    embed.embed |= page::standalone();
    ui.embed.set(embed);
    // The layer open in the editor (its handles show at its input stage, as the link's stage).
    selection::select(ui, v.selected, false);
    ui.lesson.set(cfg.lesson);
    match cfg.compare {
        Some(c) => compare::start(ui, c),
        None => compare::stop(ui),
    }
    if let Some(p) = problem {
        ui.notify_while(
            NoticeCause::DataProblem,
            NoticeKind::Error,
            format!("Training is off until the data is usable: {p}"),
        );
    }
    ui.bump();
}

/// On start: restores from the link, else from the state baked into a downloaded single-file
/// embed, else from local storage (a `#bench` fragment is not a link). True if something was
/// restored.
pub fn restore(ui: Ui) -> bool {
    let hash = page::hash();
    let baked = page::meta("flow-playground-state").filter(|s| !s.is_empty());
    let (source, text) = if !hash.is_empty() && hash != "bench" && !hash.starts_with("bench&") {
        ("link", hash)
    } else if let Some(state) = baked {
        ("file's state", state)
    } else if let Some(saved) = storage::get(STORAGE_KEY) {
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

/// What `save` last wrote, so unchanged states are not written again.
#[derive(Default)]
pub struct Saver {
    last: String,
    warned_storage: bool,
}

/// Writes the state to the URL fragment (if it fits) and to local storage.
pub fn save(ui: Ui, saver: &mut Saver) {
    let frag = state::encode(&snapshot(ui));
    if frag == saver.last {
        return;
    }
    let fit = state::link_fit(&frag);
    // While an authored lesson is opened or presented, the address keeps the lesson's link (a
    // reload or a copied address opens the lesson, not one of its steps).
    if ui.step_at.get_untracked().is_none() && !ui.lesson_opening.get_untracked() {
        page::replace_hash(if fit.fits() { &frag } else { "" });
    }
    // Said where links are made (the Share panel), not as a notice over the canvas: a trained
    // coupling stack is simply too big for a link, and the panel says what to do instead.
    let note = match fit {
        LinkFit::TooLong { .. } => fit.message(),
        _ => None,
    };
    if ui.link_note.get_untracked() != note {
        ui.link_note.set(note);
    }
    // An embedded demo never touches local storage: its snippet lets it keep the app's origin
    // (`EMBED_SANDBOX`), and its state must not replace the visitor's own saved session there.
    let embedded = ui.embed.with_untracked(|e| e.embed);
    if !embedded && !storage::set(STORAGE_KEY, &frag) && !saver.warned_storage {
        saver.warned_storage = true;
        ui.notify(NoticeKind::Warn, "This browser will not let the page save your work (storage is full or disabled). Everything still works; use Copy link or Export to keep it.");
    }
    saver.last = frag;
}

/// The shareable link of the current state, if it fits in a URL.
pub fn share_url(ui: Ui) -> Result<String, String> {
    let frag = state::encode(&snapshot(ui));
    if let Some(m) = state::link_fit(&frag).message() {
        return Err(m);
    }
    Ok(format!("{}#{frag}", page::base_url()))
}

/// The link that opens the current state as a full page (the embed's "open" link).
pub fn full_page_url(ui: Ui) -> String {
    let mut cfg = snapshot(ui);
    cfg.embed = EmbedConfig::default();
    format!("{}#{}", page::app_url(), state::encode(&cfg))
}

/// The `sandbox` of the embed snippet. `allow-same-origin` keeps the embedded page's own origin
/// (the app's): without it the page has an opaque origin, so its module script and WebAssembly
/// count as cross-origin and load only from servers that send CORS headers (a plain static host
/// shows a blank frame). With it, the frame is still cut off from the article whenever the two
/// are on different origins (the usual case); on the *same* origin the pair `allow-scripts
/// allow-same-origin` lets the frame lift its own sandbox (README, "Embed it in an article").
/// `allow-popups` + `allow-popups-to-escape-sandbox`: the "Open in Flow Playground" link opens
/// the full app in a new tab, unsandboxed.
pub const EMBED_SANDBOX: &str =
    "allow-scripts allow-same-origin allow-downloads allow-popups allow-popups-to-escape-sandbox";

/// The current state as a link fragment in embed mode (of any length: a file holds it).
pub fn embed_state(ui: Ui) -> String {
    let mut cfg = snapshot(ui);
    cfg.embed = EmbedConfig {
        embed: true,
        hide: Vec::new(),
    };
    state::encode(&cfg)
}

/// The current state's link fragment in embed mode, if it fits in a URL.
pub fn embed_fragment(ui: Ui) -> Result<String, String> {
    let frag = embed_state(ui);
    match state::link_fit(&frag).message() {
        Some(m) => Err(m),
        None => Ok(frag),
    }
}

/// The address of the single-file embed (`embed.html` beside the app) showing the current state.
pub fn course_url(ui: Ui) -> Result<String, String> {
    let app = page::app_url();
    let dir = &app[..app.rfind('/').map_or(0, |i| i + 1)];
    Ok(format!("{dir}embed.html#{}", embed_fragment(ui)?))
}

/// An `<iframe>` snippet for `src` in the app's embed sandbox (an authored lesson's embed).
pub fn iframe_snippet(src: &str) -> String {
    iframe(src, EMBED_SANDBOX)
}

fn iframe(src: &str, sandbox: &str) -> String {
    let src = src.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" title=\"Flow Playground: normalizing flow demo\" width=\"640\" height=\"820\" style=\"border:0;max-width:100%\" sandbox=\"{sandbox}\" loading=\"lazy\"></iframe>"
    )
}

/// An `<iframe>` snippet embedding the current state (canvas and timeline only).
pub fn embed_snippet(ui: Ui) -> Result<String, String> {
    let frag = embed_fragment(ui)?;
    Ok(iframe(
        &format!("{}#{frag}", page::base_url()),
        EMBED_SANDBOX,
    ))
}

/// The course-platform snippet: the single-file embed in the sandbox Canvas and Moodle give
/// third-party frames (`allow-scripts`, an opaque origin), where the app's own page cannot
/// load its module and WebAssembly from a host without CORS headers.
pub fn course_snippet(ui: Ui) -> Result<String, String> {
    Ok(iframe(&course_url(ui)?, "allow-scripts"))
}
