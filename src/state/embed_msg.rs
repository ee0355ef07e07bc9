//! The control API of an embedded Flow Playground (README, "Embed it in an article"): the
//! commands a parent page may post to the `<iframe>`, and the events the embed posts back.
//! Pure: text in, a command out; an event in, text out. The browser side
//! (`ui/input/embed.rs`, `ui/frame/jobs/embed_events.rs`) only moves text across `postMessage`.
//!
//! A command is a JSON object (or its `JSON.stringify` text) with a `type` naming it:
//!
//! | `type` | fields | does |
//! |---|---|---|
//! | `flow:set-stage` | `stage`: number | shows stage `stage` (clamped to `[0, K]`; playback stops) |
//! | `flow:set-time` | `t`: number | the same as `flow:set-stage` with `stage: t` (for a stack that is one continuous layer the stage is the ODE's time `t ∈ [0, 1]`) |
//! | `flow:play` / `flow:pause` | — | plays / pauses the layer animation |
//! | `flow:train` / `flow:pause-training` | `steps` (optional): a whole number from 1 to 10,000,000 | starts / pauses training; with `steps`, trains that many more steps and pauses |
//! | `flow:set-lesson` | `lesson`: a lesson's slug (`fig3-u1` …) | sets the lesson up, as its button does |
//! | `flow:load` | `config`: a link's fragment (`v=1&…`, or the whole link) | shows that state |
//! | `flow:overlays` | any of `grid`, `particles`, `data`, `volume`: boolean | turns those overlays on or off |
//! | `flow:set-points` | `points`: `[[x, y], …]`, at most [`MAX_POINTS`], each coordinate a finite number within ±[`COORD_LIMIT`] | the points to fit (they replace the current ones; one undo step) |
//! | `flow:get-model` | — | replies with a `flow:model` event |
//!
//! Anything else — not JSON, not an object, an unknown `type`, a field missing or of the wrong
//! type, an unknown lesson, a `config` that is not a link (it has no `v=1`), an `overlays`
//! naming none, `points` with more than [`MAX_POINTS`] pairs or any coordinate that is not a finite
//! number within ±[`COORD_LIMIT`] (JSON writes NaN as `null`) — is not a command: [`parse`] returns `None` and the embed does nothing.
//! Unknown extra fields are allowed (a newer page may send more).

use crate::core::points::COORD_LIMIT;

use super::config::MAX_POINTS;
use super::fragment::MAX_DECODE_INPUT;
use super::json::{self, Json, Parser};
use super::lessons::Lesson;
use super::points_json::points_to_json;

/// Longest message text considered (a `flow:load` carries a whole link).
pub const MAX_MESSAGE_LEN: usize = MAX_DECODE_INPUT + 4096;

/// Most steps one `flow:train` may ask for.
pub const MAX_TRAIN_STEPS: f64 = 1e7;

/// Version of the message format, sent with `flow:ready`.
pub const EMBED_API_VERSION: u32 = 1;

/// Overlays to turn on (`Some(true)`), off (`Some(false)`) or leave (`None`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OverlayChange {
    /// The warped grid.
    pub grid: Option<bool>,
    /// Particles riding the flow.
    pub particles: Option<bool>,
    /// Data points or the target's contours.
    pub data: Option<bool>,
    /// The next layer's volume change.
    pub volume: Option<bool>,
}

/// A command from the parent page.
#[derive(Clone, Debug, PartialEq)]
pub enum EmbedCommand {
    /// Show this stage (finite; the app clamps it to `[0, K]`).
    SetStage(f64),
    /// Play (`true`) or pause the layer animation.
    Play(bool),
    /// Start (`true`) or pause training.
    Train(bool),
    /// Train this many more steps, then pause.
    TrainSteps(u64),
    /// Set this lesson up.
    Lesson(Lesson),
    /// Show the state of this link fragment (it contains `v=1`).
    Load(String),
    /// Turn overlays on or off.
    Overlays(OverlayChange),
    /// An authored lesson's next (`+1`) or previous (`-1`) step.
    Step(i32),
    /// An authored lesson's step (0-based; the message counts from 1).
    GoStep(usize),
    /// Fit these points (each finite, within ±`COORD_LIMIT`; at most `MAX_POINTS`).
    SetPoints(Vec<[f64; 2]>),
    /// Reply with the model, the link and the points ([`EmbedEvent::Model`]).
    GetModel,
}

/// The command `text` describes, or `None` if it is not one (never panics; bounded work).
pub fn parse(text: &str) -> Option<EmbedCommand> {
    if text.len() > MAX_MESSAGE_LEN {
        return None;
    }
    let mut p = Parser::new(text);
    let msg = p.value().ok()?;
    if !p.at_end() {
        return None;
    }
    let Json::Str(kind) = msg.get("type")? else {
        return None;
    };
    match kind.as_str() {
        "flow:set-stage" | "flow:set-time" => {
            let field = if kind == "flow:set-time" {
                "t"
            } else {
                "stage"
            };
            match msg.get(field)? {
                Json::Num(s) if s.is_finite() => Some(EmbedCommand::SetStage(*s)),
                _ => None,
            }
        }
        "flow:play" => Some(EmbedCommand::Play(true)),
        "flow:pause" => Some(EmbedCommand::Play(false)),
        "flow:train" => match msg.get("steps") {
            None => Some(EmbedCommand::Train(true)),
            Some(Json::Num(n)) if (1.0..=MAX_TRAIN_STEPS).contains(n) && n.fract() == 0.0 => {
                Some(EmbedCommand::TrainSteps(*n as u64))
            }
            Some(_) => None,
        },
        "flow:pause-training" => Some(EmbedCommand::Train(false)),
        "flow:set-lesson" => match msg.get("lesson")? {
            Json::Str(slug) => Lesson::parse(slug).map(EmbedCommand::Lesson),
            _ => None,
        },
        "flow:load" => match msg.get("config")? {
            Json::Str(cfg) if is_link(cfg) => Some(EmbedCommand::Load(cfg.clone())),
            _ => None,
        },
        "flow:overlays" => overlays(&msg).map(EmbedCommand::Overlays),
        "flow:next-step" => Some(EmbedCommand::Step(1)),
        "flow:prev-step" => Some(EmbedCommand::Step(-1)),
        "flow:go-step" => match msg.get("step")? {
            Json::Num(n) if (1.0..=1000.0).contains(n) && n.fract() == 0.0 => {
                Some(EmbedCommand::GoStep(*n as usize - 1))
            }
            _ => None,
        },
        "flow:set-points" => points(msg.get("points")?).map(EmbedCommand::SetPoints),
        "flow:get-model" => Some(EmbedCommand::GetModel),
        _ => None,
    }
}

/// Whether `text` is a link's fragment (or a whole link) of format version 1: one of its
/// `&`-separated pairs is `v=1`, as every link the app writes begins.
fn is_link(text: &str) -> bool {
    let frag = text.split_once('#').map_or(text, |(_, f)| f);
    frag.len() <= MAX_DECODE_INPUT && frag.split('&').any(|pair| pair.trim() == "v=1")
}

/// `[[x, y], …]` with every coordinate finite and within ±`COORD_LIMIT`, at most `MAX_POINTS`
/// pairs; anything else refuses the whole list.
fn points(v: &Json) -> Option<Vec<[f64; 2]>> {
    let Json::Arr(items) = v else { return None };
    if items.len() > MAX_POINTS {
        return None;
    }
    let coord = |c: &Json| match c {
        Json::Num(x) if x.is_finite() && x.abs() <= COORD_LIMIT => Some(*x),
        _ => None,
    };
    items
        .iter()
        .map(|p| match p {
            Json::Arr(xy) if xy.len() == 2 => Some([coord(&xy[0])?, coord(&xy[1])?]),
            _ => None,
        })
        .collect()
}

fn overlays(msg: &Json) -> Option<OverlayChange> {
    let flag = |key: &str| -> Result<Option<bool>, ()> {
        match msg.get(key) {
            None => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(()),
        }
    };
    let c = OverlayChange {
        grid: flag("grid").ok()?,
        particles: flag("particles").ok()?,
        data: flag("data").ok()?,
        volume: flag("volume").ok()?,
    };
    (c != OverlayChange::default()).then_some(c)
}

/// An event for the parent page.
#[derive(Clone, Debug, PartialEq)]
pub enum EmbedEvent {
    /// The embed listens for commands (sent once, after its first frame).
    Ready {
        /// The stage shown.
        stage: f64,
        /// The number of layers.
        k: usize,
        /// The lesson shown, if any.
        lesson: Option<Lesson>,
    },
    /// The stage shown changed (at most ten times a second, and always its last value).
    Stage {
        /// The stage shown.
        stage: f64,
        /// The number of layers.
        k: usize,
    },
    /// Training moved on (at most four times a second while training, and once when it stops).
    Step {
        /// Steps taken.
        step: u64,
        /// The last minibatch loss, if a step was taken.
        loss: Option<f64>,
        /// Whether training is running.
        training: bool,
    },
    /// The lesson shown changed (`None`: no lesson).
    Lesson(Option<Lesson>),
    /// The reply to `flow:get-model`.
    Model {
        /// The model file's text (`state::model_to_json`), `None` if it could not be written.
        json: Option<String>,
        /// The link that opens this state as the full app, `None` if it is too long for a link.
        link: Option<String>,
        /// The points (in points mode: the data; under an energy: those kept for later).
        points: Vec<[f64; 2]>,
    },
}

impl EmbedEvent {
    /// The event as JSON text: an object with a `type` (`flow:ready`, `flow:stage`, `flow:step`,
    /// `flow:lesson`, `flow:model`) and the fields above (`null` for none).
    pub fn to_json(&self) -> String {
        let lesson = |l: &Option<Lesson>| l.map_or("null".into(), |l| json::string(l.slug()));
        match self {
            EmbedEvent::Ready { stage, k, lesson: l } => format!(
                "{{\"type\":\"flow:ready\",\"version\":{EMBED_API_VERSION},\"stage\":{},\"k\":{k},\"lesson\":{}}}",
                json::num(*stage),
                lesson(l)
            ),
            EmbedEvent::Stage { stage, k } => format!(
                "{{\"type\":\"flow:stage\",\"stage\":{},\"k\":{k}}}",
                json::num(*stage)
            ),
            EmbedEvent::Step {
                step,
                loss,
                training,
            } => format!(
                "{{\"type\":\"flow:step\",\"step\":{step},\"loss\":{},\"training\":{training}}}",
                loss.map_or("null".into(), json::num)
            ),
            EmbedEvent::Lesson(l) => {
                format!("{{\"type\":\"flow:lesson\",\"lesson\":{}}}", lesson(l))
            }
            EmbedEvent::Model { json, link, points } => {
                let text = |t: &Option<String>| t.as_deref().map_or("null".into(), json::string);
                format!(
                    "{{\"type\":\"flow:model\",\"json\":{},\"link\":{},\"points\":{}}}",
                    text(json),
                    text(link),
                    points_to_json(points).trim_end()
                )
            }
        }
    }
}
