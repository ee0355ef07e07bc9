//! **The link, as one table.** Every key a link may hold is one row of [`KEYS`]: its name, the
//! values it takes (the range), its default, what it means, who owns it in the app, and the four
//! functions that follow from those — write it, read it, check it, repair it. Encoding
//! ([`crate::state::encode`]) writes the rows in order; decoding ([`crate::state::decode`])
//! reads them in the same order (a row may look at the keys before it: `stage` defaults to `K`);
//! [`Config::check`] and [`Config::sanitize`] (below) run every row's check and repair. The
//! ranges are constants in `ranges.rs`, used by all four, so a bound is written once.
//!
//! Adding a key: a field in [`Config`] (with its default in `Config::default`), a row here, and,
//! if the session owns the value, one line in each direction of `session/link.rs`. The property
//! test in `tests/state_link_table.rs` fails until a new row is exercised by it.
//!
//! **Bounded by design.** The ranges bound what a link or an embed command can ask for, and one
//! cross-key rule bounds memory: training a stack of `K` layers on a minibatch of `B` points
//! needs about `B · Σₖ cost(kindₖ)` bytes ([`train_bytes`]; measured per kind in
//! `tests/state_budget.rs`), which must stay within [`TRAIN_BUDGET_BYTES`]; a link asking for more
//! gets the largest batch that fits, with a warning.

use super::config::{Config, TrainConfig, ViewConfig};
use super::key_payloads as payloads;
use super::key_read::Raw;
use super::key_rows as rows;
use super::lessons::{Compare, Lesson};
use super::ranges::*;
use super::text::{fmt_bool, fmt_f64};
use super::warning::{Warning, Warnings};

/// Which part of the app owns a key's value (where `session/link.rs` maps it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The link format itself (`v`).
    Format,
    /// The session: the target, the stack and its parameters, the training settings.
    Session,
    /// The view: stage, playback, overlays, window, the layer open in the editor.
    View,
    /// The page around the app: embedding, hidden controls, the lesson and the comparison.
    Page,
}

/// One key of the link.
pub struct Key {
    /// The key as written in the link.
    pub name: &'static str,
    /// Values it takes (documentation: empty in the WebAssembly build).
    pub values: &'static str,
    /// Its default (what a link without it means).
    pub default: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// Who owns the value in the app.
    pub owner: Owner,
    /// Its text in a link, or `None` to leave it out (not applicable, or a default written only
    /// when it differs).
    pub(crate) write: fn(&Config) -> Option<String>,
    /// Reads its value (if present) into the config, with a warning for a bad one.
    pub(crate) read: fn(&mut Config, &mut Raw),
    /// `false` if the config breaks this key's invariant.
    pub(crate) check: fn(&Config) -> bool,
    /// Repairs this key's invariant, saying what changed.
    pub(crate) repair: fn(&mut Config, &mut Warnings),
}

/// Documentation text of a row: kept in native builds (the README's list is tested against it),
/// left out of the WebAssembly, where nothing reads it (about a kilobyte of the bundle).
const fn doc(text: &'static str) -> &'static str {
    if cfg!(target_arch = "wasm32") {
        ""
    } else {
        text
    }
}

/// Keys that links once had and no longer use: read silently and ignored (`spf`, steps per
/// frame, was never read by the app: the frame loop trains for a time budget instead).
pub const RETIRED: [&str; 1] = ["spf"];

/// The check of a key whose every readable value is valid.
fn always_holds(_: &Config) -> bool {
    true
}

/// The repair of a key that cannot be broken.
fn nothing_to_repair(_: &mut Config, _: &mut Warnings) {}

fn train_default() -> TrainConfig {
    TrainConfig::default()
}

/// Every key, in the order links write them; the bulky base64url ones last (a truncated link
/// loses those first).
pub static KEYS: [Key; 30] = [
    Key {
        name: "v",
        values: doc("`1`"),
        default: doc("1"),
        meaning: doc("format version"),
        owner: Owner::Format,
        write: |_| Some(FORMAT_VERSION.to_string()),
        read: rows::read_version,
        check: |c| c.version == FORMAT_VERSION,
        repair: |c, _| c.version = FORMAT_VERSION,
    },
    Key {
        name: "mode",
        values: doc("`draw`, a preset (`moons 8gaussians circles rings pinwheel spirals checkerboard swissroll`), `u1`–`u4`, `typed`"),
        default: doc("`moons`"),
        meaning: doc("objective: points (drawn or preset), an energy of the paper, or a typed energy"),
        owner: Owner::Session,
        write: rows::write_mode,
        read: rows::read_mode,
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "u",
        values: doc("a formula of `x`, `y` (percent-encoded; at most 1,000 characters)"),
        default: doc("none"),
        meaning: doc("the typed energy U(x, y), density ∝ exp(−U) (with `mode=typed`; read with `mode`)"),
        owner: Owner::Session,
        write: rows::write_formula,
        read: |_, _| {},
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "n",
        values: doc("`1..=20000`"),
        default: doc("1000"),
        meaning: doc("preset: number of points"),
        owner: Owner::Session,
        write: |c| rows::preset(c).map(|p| p.n.to_string()),
        read: rows::read_preset_n,
        check: |c| rows::preset(c).is_none_or(|p| PRESET_N.contains(p.n as u64)),
        repair: rows::repair_preset_n,
    },
    Key {
        name: "noise",
        values: doc("`[0, 10]`"),
        default: doc("preset's"),
        meaning: doc("preset: jitter"),
        owner: Owner::Session,
        write: |c| rows::preset(c).map(|p| fmt_f64(p.noise)),
        read: rows::read_preset_noise,
        check: |c| rows::preset(c).is_none_or(|p| NOISE.contains(p.noise)),
        repair: rows::repair_preset_noise,
    },
    Key {
        name: "dseed",
        values: doc("u64"),
        default: doc("1"),
        meaning: doc("preset: generator seed"),
        owner: Owner::Session,
        write: |c| rows::preset(c).map(|p| p.seed.to_string()),
        read: rows::read_preset_seed,
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "K",
        values: doc("`0..=64`"),
        default: doc("16"),
        meaning: doc("number of layers (checked against `layers`; alone it means `K` planar layers)"),
        owner: Owner::Session,
        write: |c| Some(c.kinds.len().to_string()),
        read: rows::read_k,
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "layers",
        values: doc("runs like `16p`, `prpr`, `4p2r`, `abab`"),
        default: doc("`16p`"),
        meaning: doc("layer kinds (p planar, r radial, s Sylvester, a/b affine coupling keeping x/y, n/m spline coupling keeping x/y, c scale)"),
        owner: Owner::Session,
        write: |c| Some(super::layers_codec::encode_kinds(&c.kinds)),
        read: rows::read_layers,
        check: |c| LAYERS.contains(c.kinds.len() as u64),
        repair: rows::repair_layers,
    },
    Key {
        name: "seed",
        values: doc("u64"),
        default: doc("1"),
        meaning: doc("model seed (initialisation, the trainer's random streams)"),
        owner: Owner::Session,
        write: |c| Some(c.seed.to_string()),
        read: |c, r| {
            if let Some(v) = r.uint("seed", None) {
                c.seed = v;
            }
        },
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "lr",
        values: doc("`(0, 1e6]`"),
        default: doc("0.005"),
        meaning: doc("learning rate"),
        owner: Owner::Session,
        write: |c| Some(fmt_f64(c.train.lr)),
        read: |c, r| {
            if let Some(v) = r.real("lr", LR) {
                c.train.lr = v;
            }
        },
        check: |c| LR.contains(c.train.lr),
        repair: |c, w| {
            if !LR.contains(c.train.lr) {
                w.add("lr", rows::ignored_value("lr", &fmt_f64(c.train.lr), &LR.describe()));
                c.train.lr = train_default().lr;
            }
        },
    },
    Key {
        name: "batch",
        values: doc("`1..=8192`, and within the memory budget for the stack"),
        default: doc("512"),
        meaning: doc("minibatch size"),
        owner: Owner::Session,
        write: |c| Some(c.train.batch.to_string()),
        read: |c, r| {
            if let Some(v) = r.uint("batch", Some(BATCH)) {
                c.train.batch = v as usize;
            }
        },
        check: |c| BATCH.contains(c.train.batch as u64) && c.train.batch <= max_batch(&c.kinds),
        repair: rows::repair_batch,
    },
    Key {
        name: "anneal",
        values: doc("`1`/`0`"),
        default: doc("1"),
        meaning: doc("anneal β (energy mode)"),
        owner: Owner::Session,
        write: |c| Some(fmt_bool(c.train.anneal).to_string()),
        read: |c, r| {
            if let Some(v) = r.flag("anneal") {
                c.train.anneal = v;
            }
        },
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "asteps",
        values: doc("`10..=1000000`"),
        default: doc("10000"),
        meaning: doc("annealing length in steps (written only when not 10000)"),
        owner: Owner::Session,
        write: |c| {
            (c.train.anneal_steps != ANNEAL_STEPS_PAPER).then(|| c.train.anneal_steps.to_string())
        },
        read: |c, r| {
            if let Some(v) = r.uint("asteps", Some(ANNEAL_STEPS)) {
                c.train.anneal_steps = v as u32;
            }
        },
        check: |c| ANNEAL_STEPS.contains(u64::from(c.train.anneal_steps)),
        repair: |c, w| {
            let v = u64::from(c.train.anneal_steps);
            if !ANNEAL_STEPS.contains(v) {
                w.add("asteps", rows::ignored_value("asteps", &v.to_string(), &ANNEAL_STEPS.describe()));
                c.train.anneal_steps = train_default().anneal_steps;
            }
        },
    },
    Key {
        name: "clip",
        values: doc("`(0, 1e6]` or `off`"),
        default: doc("100"),
        meaning: doc("gradient-norm clip"),
        owner: Owner::Session,
        write: |c| Some(c.train.clip.map_or("off".to_string(), fmt_f64)),
        read: rows::read_clip,
        check: |c| c.train.clip.is_none_or(|v| CLIP.contains(v)),
        repair: |c, w| {
            if let Some(v) = c.train.clip.filter(|&v| !CLIP.contains(v)) {
                let range = format!("off or {}", CLIP.describe());
                w.add("clip", rows::ignored_value("clip", &fmt_f64(v), &range));
                c.train.clip = train_default().clip;
            }
        },
    },
    Key {
        name: "step",
        values: doc("u64"),
        default: doc("0"),
        meaning: doc("training steps taken (annealing continues from there)"),
        owner: Owner::Session,
        write: |c| Some(c.train.step.to_string()),
        read: |c, r| {
            if let Some(v) = r.uint("step", None) {
                c.train.step = v;
            }
        },
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "stage",
        values: doc("`[0, K]`"),
        default: doc("K"),
        meaning: doc("stage shown (fractional allowed)"),
        owner: Owner::View,
        write: |c| Some(fmt_f64(c.view.stage)),
        read: |c, r| {
            c.view.stage = c.kinds.len() as f64;
            if let Some(v) = r.real("stage", Real { lo: f64::MIN, hi: f64::MAX, open_lo: false }) {
                c.view.stage = v;
            }
        },
        check: |c| (0.0..=c.kinds.len() as f64).contains(&c.view.stage),
        repair: rows::repair_stage,
    },
    Key {
        name: "play",
        values: doc("`1`/`0`"),
        default: doc("0"),
        meaning: doc("timeline playing"),
        owner: Owner::View,
        write: |c| Some(fmt_bool(c.view.playing).to_string()),
        read: |c, r| {
            if let Some(v) = r.flag("play") {
                c.view.playing = v;
            }
        },
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "speed",
        values: doc("`(0, 100]`"),
        default: doc("1"),
        meaning: doc("stages per second"),
        owner: Owner::View,
        write: |c| Some(fmt_f64(c.view.speed)),
        read: |c, r| {
            if let Some(v) = r.real("speed", SPEED) {
                c.view.speed = v;
            }
        },
        check: |c| SPEED.contains(c.view.speed),
        repair: |c, w| {
            if !SPEED.contains(c.view.speed) {
                w.add("speed", rows::ignored_value("speed", &fmt_f64(c.view.speed), &SPEED.describe()));
                c.view.speed = ViewConfig::for_layers(0).speed;
            }
        },
    },
    Key {
        name: "loop",
        values: doc("`1`/`0`"),
        default: doc("0"),
        meaning: doc("timeline loops"),
        owner: Owner::View,
        write: |c| Some(fmt_bool(c.view.looping).to_string()),
        read: |c, r| {
            if let Some(v) = r.flag("loop") {
                c.view.looping = v;
            }
        },
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "show",
        values: doc("comma list of `grid particles data contours volume stretch field paths trails`"),
        default: doc("`grid,data`"),
        meaning: doc("overlays"),
        owner: Owner::View,
        write: rows::write_show,
        read: rows::read_show,
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "scale",
        values: doc("`lin`/`log`"),
        default: doc("`lin`"),
        meaning: doc("density colour scale"),
        owner: Owner::View,
        write: rows::write_scale,
        read: rows::read_scale,
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "trace",
        values: doc("`exact`, `h1`, `h10`, `error`"),
        default: doc("`exact`"),
        meaning: doc("a one-layer continuous flow's picture: exact trace, Hutchinson's estimator with 1 or 10 probes, or the solver's density error against RK4 with four times the steps (32 to 128)"),
        owner: Owner::View,
        write: rows::write_trace,
        read: rows::read_trace,
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "view",
        values: doc("`cx,cy,half`: centre within ±10⁴, half-width in [0.001, 10⁴]"),
        default: doc("`0,0,4`"),
        meaning: doc("view window"),
        owner: Owner::View,
        write: |c| {
            let v = &c.view;
            Some(format!("{},{},{}", fmt_f64(v.center[0]), fmt_f64(v.center[1]), fmt_f64(v.half_extent)))
        },
        read: rows::read_window,
        check: rows::window_ok,
        repair: |c, w| {
            if !rows::window_ok(c) {
                w.add("view", "ignored a view window outside the allowed range");
                let d = ViewConfig::for_layers(0);
                c.view.center = d.center;
                c.view.half_extent = d.half_extent;
            }
        },
    },
    Key {
        name: "embed",
        values: doc("`1`/`0`"),
        default: doc("0"),
        meaning: doc("embed mode: canvas and timeline only"),
        owner: Owner::Page,
        write: |c| Some(fmt_bool(c.embed.embed).to_string()),
        read: |c, r| {
            if let Some(v) = r.flag("embed") {
                c.embed.embed = v;
            }
        },
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "hide",
        values: doc("comma list of `[a-z0-9-]{1,32}`, at most 32"),
        default: doc("—"),
        meaning: doc("control groups to hide"),
        owner: Owner::Page,
        write: |c| (!c.embed.hide.is_empty()).then(|| c.embed.hide.join(",")),
        read: rows::read_hide,
        check: rows::hide_ok,
        repair: rows::repair_hide,
    },
    Key {
        name: "sel",
        values: doc("`1..=K`"),
        default: doc("—"),
        meaning: doc("the layer open in the layer editor (its handles show at its input stage)"),
        owner: Owner::View,
        write: |c| c.view.selected.map(|i| (i + 1).to_string()),
        read: |c, r| {
            let range = Whole { lo: 1, hi: LAYERS.hi };
            c.view.selected = r.uint_as("sel", range, "a layer number").map(|i| i as usize - 1);
        },
        check: |c| c.view.selected.is_none_or(|i| i < c.kinds.len()),
        repair: rows::repair_sel,
    },
    Key {
        name: "lesson",
        values: doc("`fig3-u1`…`fig3-u4`, `planar-vs-radial`, `one-layer`, `constraint`, `coupling-won`"),
        default: doc("—"),
        meaning: doc("the lesson shown (its caption)"),
        owner: Owner::Page,
        write: |c| c.lesson.map(|l| l.slug().to_string()),
        read: |c, r| c.lesson = r.slug("lesson", Lesson::parse, "unknown lesson"),
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "cmp",
        values: doc("`kinds` (planar vs radial), `depths` (K = 2, 8, 32), `families` (planar 32, affine 8, spline 4), `residual` (planar K = 8 vs continuous planar M = 8; `residual-1`, `residual-2`, `residual-32` for K = M = 1, 2, 32), `fm-vs-ml` (flow matching vs ML through the ODE)"),
        default: doc("—"),
        meaning: doc("comparison beside the main view"),
        owner: Owner::Page,
        write: |c| c.compare.map(|x| x.slug().to_string()),
        read: |c, r| {
            c.compare = r.slug("cmp", Compare::parse, "unknown comparison (use kinds, depths, families, residual, residual-1, residual-2, residual-32 or fm-vs-ml)")
        },
        check: always_holds,
        repair: nothing_to_repair,
    },
    Key {
        name: "params",
        values: doc("base64url of little-endian `f64`s, each within ±10⁶"),
        default: doc("— (seeded init)"),
        meaning: doc("raw parameters, exact"),
        owner: Owner::Session,
        write: payloads::write_params,
        read: payloads::read_params,
        check: payloads::params_ok,
        repair: payloads::repair_params,
    },
    Key {
        name: "pts",
        values: doc("base64url of `points_codec`, at most 20,000 points within ±10⁴"),
        default: doc("— (preset's points)"),
        meaning: doc("points, quantized to 1/1024"),
        owner: Owner::Session,
        write: payloads::write_points,
        read: payloads::read_points,
        check: payloads::points_ok,
        repair: payloads::repair_points,
    },
];

/// The row called `name`.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

impl Config {
    /// `Ok` if every key's invariant holds ([`KEYS`]), else the name of the first that does not.
    pub fn check(&self) -> Result<(), String> {
        match KEYS.iter().find(|k| !(k.check)(self)) {
            Some(k) => Err(k.name.to_string()),
            None => Ok(()),
        }
    }

    /// Repairs every broken invariant (a bad value goes back to its default, out-of-box points
    /// are clamped, mismatched parameters are dropped so the app re-initialises them from the
    /// seed, a batch over the memory budget is cut) and says what it changed. Idempotent;
    /// afterwards [`Config::check`] holds.
    pub fn sanitize(&mut self) -> Vec<Warning> {
        let mut w = Warnings::default();
        self.sanitize_into(&mut w);
        w.finish()
    }

    pub(crate) fn sanitize_into(&mut self, w: &mut Warnings) {
        for k in &KEYS {
            (k.repair)(self, w);
        }
    }
}

/// The names of [`KEYS`], in order.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|k| k.name)
}
