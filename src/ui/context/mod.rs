//! The `Ui` context: every signal and every long-lived value the page shares, grouped by owner.
//! A leaf: it imports nothing else of `ui`. Built once by `app`, provided as a Leptos context;
//! panels take it with [`use_ui`].
//!
//! Three tiers (docs/architecture.md, "State in the UI: three tiers"): the session (non-reactive,
//! in a `StoredValue`, with a cheap `version` counter that tells views to redraw) and what is
//! derived from it ([`Facts`]); the view state (stage, playback, overlays, window, tool …) as
//! signals; and values that only one part of the page uses (the undo stack, the comparison runs,
//! the editor, the GIF recorder, the chart's geometry) in `StoredValue`s, changed only by `actions`
//! (or, for caches, by the job that draws them).

mod editor;
mod facts;
mod types;

pub use editor::{Drag, EditorKey, EditorState};
pub use facts::Facts;
pub use types::{
    FrameTimes, Legend, NoticeCause, NoticeKind, Overlays, Panel, Parts, Tool, TrainPlace,
};

use leptos::prelude::*;

use crate::core::{LayerKind, Vec2};
use crate::render::chart::PlotArea;
use crate::render::editor::EditorQuery;
use crate::render::{DensityScale, ViewTransform};
use crate::session::{CompareRun, GifRecording, History, Session, Stats, VideoPlan};
use crate::state::authored::AuthoredLesson;
use crate::state::{Compare, EmbedConfig, Lesson};

/// Why a typed formula cannot be fitted: the message, and the character it points at (a syntax
/// error).
#[derive(Clone, Debug, PartialEq)]
pub struct FormulaProblem {
    /// Plain text, e.g. `at character 9: expected ")"`.
    pub message: String,
    /// Character offset of the problem (0-based), if it has one.
    pub at: Option<usize>,
}

/// A brush or pan stroke in progress.
#[derive(Clone, Copy, Debug)]
pub struct Stroke {
    /// The tool that started it.
    pub tool: Tool,
    /// Last pointer position (CSS pixels on the canvas).
    pub last_css: [f64; 2],
    /// The pointer.
    pub pointer: i32,
}

/// The loss chart's geometry (where its plot sits) and axis choice.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChartState {
    /// Where the last drawn plot sits (backend pixels) and the canvas's pixels per CSS pixel.
    pub frame: Option<(PlotArea, f64)>,
    /// Steps on a log axis.
    pub log_x: bool,
}

/// Every signal and stored value the components share. `Copy`, so closures capture it freely.
#[derive(Clone, Copy)]
pub struct Ui {
    // ---- the session and what is derived from it ----
    /// The non-reactive session (model, data, settings).
    pub session: StoredValue<Session, LocalStorage>,
    /// Bumped whenever the model or the data change (views redraw from the session).
    pub version: RwSignal<u64>,
    /// Facts about the session the controls show.
    pub facts: Facts,

    // ---- view state ----
    /// Current stage `s ∈ [0, K]`.
    pub stage: RwSignal<f64>,
    /// Timeline playing.
    pub playing: RwSignal<bool>,
    /// Layers per second while playing.
    pub speed: RwSignal<f64>,
    /// Loop at the end of the timeline.
    pub looping: RwSignal<bool>,
    /// Play data → base (normalizing) instead of base → data.
    pub reverse: RwSignal<bool>,
    /// Overlay toggles.
    pub overlays: RwSignal<Overlays>,
    /// Log (true) or linear density colour scale.
    pub log_scale: RwSignal<bool>,
    /// The trace estimator of a one-layer continuous flow's picture (0: exact; else probes).
    pub trace_probes: RwSignal<u8>,
    /// The data window shown (its pixel size is ignored).
    pub window: RwSignal<ViewTransform>,
    /// Pointer tool.
    pub tool: RwSignal<Tool>,
    /// Probe, as a base-space point (so it follows the model as it trains).
    pub probe: RwSignal<Option<Vec2>>,
    /// The layer open in the layer editor (0-based index into the stack).
    pub selected_layer: RwSignal<Option<usize>>,
    /// Where the pointer hovers over the canvas (data space, at the stage shown), while a
    /// coupling layer is open (its inset follows the pointer).
    pub hover_at: RwSignal<Option<Vec2>>,
    /// A layer kind waiting to be placed where the user clicks.
    pub placing: RwSignal<Option<LayerKind>>,
    /// Brush radius in data units.
    pub brush_size: RwSignal<f64>,
    /// Points sprayed per brush move.
    pub brush_density: RwSignal<usize>,
    /// User prefers reduced motion.
    pub reduced_motion: RwSignal<bool>,

    // ---- training and the page ----
    /// Training running.
    pub training: RwSignal<bool>,
    /// Training numbers (refreshed by the frame loop a few times a second).
    pub stats: RwSignal<Stats>,
    /// Current notice.
    pub notice: RwSignal<Option<(NoticeKind, String)>>,
    /// The condition the current notice reports, if it goes away with it.
    pub notice_cause: StoredValue<Option<NoticeCause>>,
    /// Legend of the last draw.
    pub legend: RwSignal<Legend>,
    /// Embed mode and hidden control groups.
    pub embed: RwSignal<EmbedConfig>,
    /// The lesson whose caption is shown.
    pub lesson: RwSignal<Option<Lesson>>,
    /// The comparison beside the main view (its runs are in `compare_run`).
    pub compare: RwSignal<Option<Compare>>,
    /// The comparison's flows are training.
    pub compare_training: RwSignal<bool>,
    /// One caption per comparison flow, refreshed a few times a second.
    pub compare_captions: RwSignal<Vec<String>>,
    /// Undo / redo availability (published by `actions::history`).
    pub undo_redo: RwSignal<(bool, bool)>,
    /// The typed energy's formula as the user left it (kept when it cannot be fitted).
    pub formula_draft: RwSignal<String>,
    /// Why the draft cannot be fitted, if it cannot.
    pub formula_problem: RwSignal<Option<FormulaProblem>>,
    /// The lesson the user is authoring (or opened).
    pub authored: RwSignal<AuthoredLesson>,
    /// The authored step shown while presenting (`None`: not presenting).
    pub step_at: RwSignal<Option<usize>>,
    /// A lesson link is being inflated (the address keeps it meanwhile).
    pub lesson_opening: RwSignal<bool>,
    /// The authored lesson's last shared link, or why it could not be one.
    pub authored_link: RwSignal<Option<Result<String, String>>>,
    /// The typed density's formula as the user left it.
    pub density_draft: RwSignal<String>,
    /// What the last "draw points from p" said: the entropy, or why it could not.
    pub density_note: RwSignal<Option<Result<String, String>>>,
    /// Progress of a GIF being made (`None`: none).
    pub gif_status: RwSignal<Option<String>>,
    /// A video or PNG-frame ZIP being made: what happens (spoken; it moves in tenths) (`None`: none).
    pub video_status: RwSignal<Option<String>>,
    /// Its progress in [0, 1] (the bar moves every frame).
    pub video_progress: RwSignal<f64>,
    /// Why the address bar holds no link (the state is too big for one), if it does not.
    pub link_note: RwSignal<Option<String>>,
    /// The side panel open.
    pub panel: RwSignal<Panel>,
    /// Presenter mode: the canvas fills the screen.
    pub presenter: RwSignal<bool>,
    /// The keyboard help is open.
    pub help: RwSignal<bool>,
    /// The first-visit hint (press Train) is shown.
    pub hint: RwSignal<bool>,

    // ---- stored values, one owner each ----
    /// The undo / redo stack.
    pub history: StoredValue<History, LocalStorage>,
    /// The comparison's trainers.
    pub compare_run: StoredValue<Option<CompareRun>, LocalStorage>,
    /// Counts the comparisons started (a new one repaints every panel).
    pub compare_epoch: StoredValue<u64, LocalStorage>,
    /// The layer editor.
    pub editor: StoredValue<EditorState, LocalStorage>,
    /// A brush or pan stroke in progress.
    pub stroke: StoredValue<Option<Stroke>, LocalStorage>,
    /// The GIF recorder.
    pub gif: StoredValue<Option<GifRecording>, LocalStorage>,
    /// The video recorder's schedule.
    pub video: StoredValue<Option<VideoPlan>, LocalStorage>,
    /// The loss chart's geometry.
    pub chart: StoredValue<ChartState, LocalStorage>,
    /// Per-frame work, for the `#bench` page.
    pub times: StoredValue<FrameTimes, LocalStorage>,
    /// Where training runs (written by the training job, read by the bench and the Train panel).
    pub train_place: RwSignal<TrainPlace>,
    /// Training pauses by itself at this step (the embed's `flow:train` with `steps`).
    pub train_until: StoredValue<Option<u64>>,
    /// Pause once the evaluation is at most this (an authored step's `reach`).
    pub train_goal: StoredValue<Option<f64>>,
}

impl Ui {
    /// A fresh page's state (call inside the app's reactive owner).
    pub fn new(reduced_motion: bool) -> Self {
        let session = StoredValue::new_local(Session::new());
        let version = RwSignal::new(0);
        Ui {
            session,
            version,
            facts: Facts::new(session, version),
            stage: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            speed: RwSignal::new(2.0),
            looping: RwSignal::new(false),
            reverse: RwSignal::new(false),
            overlays: RwSignal::new(Overlays::default()),
            log_scale: RwSignal::new(false),
            trace_probes: RwSignal::new(0),
            window: RwSignal::new(ViewTransform::new(1.0, 1.0)),
            tool: RwSignal::new(Tool::Probe),
            probe: RwSignal::new(None),
            selected_layer: RwSignal::new(None),
            hover_at: RwSignal::new(None),
            placing: RwSignal::new(None),
            brush_size: RwSignal::new(0.25),
            brush_density: RwSignal::new(4),
            reduced_motion: RwSignal::new(reduced_motion),
            training: RwSignal::new(false),
            stats: RwSignal::new(Stats::default()),
            notice: RwSignal::new(None),
            notice_cause: StoredValue::new(None),
            legend: RwSignal::new(Legend::Density {
                scale: DensityScale::Linear,
                max_log: f64::NEG_INFINITY,
            }),
            embed: RwSignal::new(EmbedConfig::default()),
            lesson: RwSignal::new(None),
            compare: RwSignal::new(None),
            compare_training: RwSignal::new(false),
            compare_captions: RwSignal::new(Vec::new()),
            undo_redo: RwSignal::new((false, false)),
            formula_draft: RwSignal::new(String::new()),
            formula_problem: RwSignal::new(None),
            authored: RwSignal::new(AuthoredLesson::default()),
            step_at: RwSignal::new(None),
            lesson_opening: RwSignal::new(false),
            authored_link: RwSignal::new(None),
            density_draft: RwSignal::new(String::new()),
            density_note: RwSignal::new(None),
            gif_status: RwSignal::new(None),
            video_status: RwSignal::new(None),
            video_progress: RwSignal::new(0.0),
            link_note: RwSignal::new(None),
            panel: RwSignal::new(Panel::Data),
            presenter: RwSignal::new(false),
            help: RwSignal::new(false),
            hint: RwSignal::new(false),
            history: StoredValue::new_local(History::default()),
            compare_run: StoredValue::new_local(None),
            compare_epoch: StoredValue::new_local(0),
            editor: StoredValue::new_local(EditorState::default()),
            stroke: StoredValue::new_local(None),
            gif: StoredValue::new_local(None),
            video: StoredValue::new_local(None),
            chart: StoredValue::new_local(ChartState::default()),
            times: StoredValue::new_local(FrameTimes::default()),
            train_place: RwSignal::new(TrainPlace::Page),
            train_until: StoredValue::new(None),
            train_goal: StoredValue::new(None),
        }
    }

    /// Tell the user something.
    pub fn notify(&self, kind: NoticeKind, msg: impl Into<String>) {
        self.notice_cause.set_value(None);
        self.notice.set(Some((kind, msg.into())));
    }

    /// Shows a notice about the condition `cause`; it is cleared when the condition ends.
    pub fn notify_while(&self, cause: NoticeCause, kind: NoticeKind, msg: impl Into<String>) {
        self.notice.set(Some((kind, msg.into())));
        self.notice_cause.set_value(Some(cause));
    }

    /// Whether the control group `group` is hidden (embed mode or the link's hide list).
    pub fn hidden(&self, group: &str) -> bool {
        self.embed.with(|e| e.is_hidden(group))
    }

    /// The model or data changed: redraw.
    pub fn bump(&self) {
        self.version.update(|v| *v += 1);
    }

    /// The editor's part of the frame loop's draw key.
    pub fn editor_key(&self) -> EditorKey {
        EditorKey {
            selected: self.selected_layer.get_untracked(),
            edit_tool: self.tool.get_untracked() == Tool::Edit,
            gen: self.editor.with_value(|e| e.gen),
        }
    }

    /// The editor query at `stage` for data window `bounds`, with the page's selection and tool:
    /// the drawing and the pointer ask the same.
    pub fn editor_query(&self, stage: f64, bounds: [f64; 4]) -> EditorQuery {
        let (selected, edit_tool) = (
            self.selected_layer.get_untracked(),
            self.tool.get_untracked() == Tool::Edit,
        );
        self.editor
            .with_value(|e| e.query(stage, bounds, selected, edit_tool))
    }

    /// True while a layer handle is dragged.
    pub fn dragging(&self) -> bool {
        self.editor.with_value(EditorState::dragging)
    }
}

/// The page's `Ui` (panels call this; `app` provides it).
pub fn use_ui() -> Ui {
    expect_context::<Ui>()
}
