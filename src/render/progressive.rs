//! A density picture computed a few points at a time, so that a heavy one (64 spline coupling
//! layers: ~25 µs per pixel in the browser, a 192² picture ~1 s) never holds a frame: the frame
//! loop gives it a slice of each frame and shows it when it is done.
//!
//! A [`DensityJob`] owns a copy of the flow it started with, so a picture finished over several
//! frames shows one model, never bands of several (training may move the session's model on in
//! the meantime). Each value is the same function of its pixel as one call over the whole grid,
//! so the finished picture equals the one-shot one bit for bit (`tests/render_progressive.rs`).
//!
//! [`first_n`] and [`target_n`] choose the resolutions of the two pictures a change asks for:
//! a coarse one that fits one frame, then the refined one.

use crate::core::cnf::hutchinson::picture_log_density;
use crate::core::cnf::solver_error::solver_error;
use crate::core::{Flow, LayerKind, Workspace};
use crate::render::ViewTransform;

/// The most points computed between two looks at the clock (a fraction of a millisecond for a
/// planar stack, ~1.6 ms for 64 spline coupling layers in the browser).
pub const CHUNK: usize = 64;
/// The fewest, and the first chunk of a job, which measures what a point costs: a continuous
/// flow's point is an ODE solve (~0.2 ms in the browser, so 64 of them held a frame for 12–36 ms
/// past its slice).
pub const MIN_CHUNK: usize = 16;
/// Milliseconds a chunk is sized to take (from the last chunk's cost per point): how far a slice
/// can run past its end.
pub const CHUNK_MS: f64 = 2.0;

/// Chunk sizes that keep each chunk near [`CHUNK_MS`], learnt from the clock (also the
/// filmstrip's bands).
#[derive(Clone, Copy, Debug)]
pub struct Chunker {
    size: usize,
}

impl Default for Chunker {
    fn default() -> Self {
        Chunker { size: MIN_CHUNK }
    }
}

impl Chunker {
    /// The next chunk's size (points).
    pub fn size(&self) -> usize {
        self.size
    }

    /// `points` took `ms`: the next chunk's size.
    pub fn observe(&mut self, points: usize, ms: f64) {
        let per_point = ms / points.max(1) as f64;
        self.size = if per_point > 0.0 {
            ((CHUNK_MS / per_point) as usize).clamp(MIN_CHUNK, CHUNK)
        } else {
            CHUNK
        };
    }
}
/// Milliseconds the coarse first picture after a change should take.
pub const FIRST_MS: f64 = 8.0;
/// Milliseconds of work a refined picture should take while the model moves (training, a
/// drag): at a slice of a few ms per frame it is replaced several times a second.
pub const MOVING_MS: f64 = 60.0;
/// The finest picture.
pub const N_MAX: usize = 256;
/// The coarsest picture.
pub const N_MIN: usize = 16;
/// While the model moves, a new picture starts at most this often (ms): four a second keep the
/// picture live, and leave the page's thread idle between them for the browser's own work and
/// the worker training beside it on a two-core machine.
pub const MOVING_PERIOD_MS: f64 = 250.0;
/// While the model moves, a new push of the overlays' points starts at most this often (ms).
pub const PUSH_PERIOD_MS: f64 = 100.0;
/// The first side a heavy picture of a new model at rest starts from (then it doubles).
pub const REST_FIRST: usize = 128;
/// The coarsest refined picture while the model moves: a heavy stack in training still shows
/// at least this resolution, however long it takes (a slice per frame).
pub const MOVING_MIN: usize = 96;

/// What a picture shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Picture {
    /// The log-density at a stage.
    Density {
        /// The stage `s ∈ [0, K]`.
        stage: f64,
        /// A one-layer continuous flow's trace: 0 exact, else Hutchinson's probes.
        probes: u8,
    },
    /// The log-volume change `log|det J|` of one generative step (1-based).
    Volume {
        /// The step.
        step: usize,
    },
    /// A one-layer continuous flow's density error at a stage: its solver's against a fine
    /// reference (`core::cnf::solver_error`), some 16–130 times the density's work.
    SolverError {
        /// The stage `s ∈ [0, 1]`.
        stage: f64,
    },
}

impl Picture {
    /// Whether its cost per pixel is a solver error's (remembered apart from the density's).
    fn costly(self) -> bool {
        matches!(self, Picture::SolverError { .. })
    }
}

/// A density picture in progress.
#[derive(Clone, Debug)]
pub struct DensityJob {
    flow: Flow,
    what: Picture,
    n: usize,
    xs: Vec<f64>,
    ys: Vec<f64>,
    vals: Vec<f64>,
    done: usize,
    chunker: Chunker,
}

impl DensityJob {
    /// The `n × n` picture of `what` for `flow` over `window`'s data bounds (pixel centres, top
    /// row first, as [`ViewTransform::pixel_centers`] lays them out).
    pub fn new(flow: &Flow, what: Picture, window: ViewTransform, n: usize) -> Self {
        let n = n.max(1);
        let view = ViewTransform {
            width: n as f64,
            height: n as f64,
            ..window
        };
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        view.pixel_centers(n, n, &mut xs, &mut ys);
        DensityJob {
            flow: flow.clone(),
            what,
            n,
            vals: vec![0.0; xs.len()],
            xs,
            ys,
            done: 0,
            chunker: Chunker::default(),
        }
    }

    /// The side of the picture.
    pub fn n(&self) -> usize {
        self.n
    }

    /// What it shows.
    pub fn what(&self) -> Picture {
        self.what
    }

    /// Every value is computed.
    pub fn is_done(&self) -> bool {
        self.done == self.vals.len()
    }

    /// Points computed so far.
    pub fn points_done(&self) -> usize {
        self.done
    }

    /// Computes chunks of points while `keep_going()` says so (at least one chunk), each sized
    /// by `clock` (ms) to take about [`CHUNK_MS`]. Returns how many points it computed.
    pub fn run(
        &mut self,
        ws: &mut Workspace,
        clock: &dyn Fn() -> f64,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> usize {
        let start = self.done;
        let total = self.vals.len();
        while self.done < total {
            let (a, b) = (self.done, (self.done + self.chunker.size).min(total));
            let t0 = clock();
            let (xs, ys, out) = (&self.xs[a..b], &self.ys[a..b], &mut self.vals[a..b]);
            match self.what {
                Picture::Density { stage, probes } => picture_log_density(
                    &self.flow,
                    stage,
                    probes as usize,
                    a as u64,
                    xs,
                    ys,
                    out,
                    ws,
                ),
                Picture::Volume { step } => self.flow.step_log_det(step, 1.0, xs, ys, out, ws),
                Picture::SolverError { stage } => {
                    if !solver_error(&self.flow, stage, xs, ys, out) {
                        out.fill(0.0);
                    }
                }
            }
            self.done = b;
            self.chunker.observe(b - a, clock() - t0);
            if !keep_going() {
                break;
            }
        }
        self.done - start
    }

    /// The values (row-major, top row first); complete once [`Self::is_done`].
    pub fn values(&self) -> &[f64] {
        &self.vals
    }
}

/// `x` rounded down to a multiple of 16, within `[lo, hi]`.
fn side(x: f64, lo: usize, hi: usize) -> usize {
    let x = if x.is_finite() { x } else { hi as f64 };
    ((x.max(0.0) as usize) / 16 * 16).clamp(lo, hi)
}

/// The side of the coarse first picture after a change, for a cost of `ms_per_point`
/// (milliseconds per pixel, `None` before anything was measured): what fits [`FIRST_MS`], never
/// above `target`.
pub fn first_n(ms_per_point: Option<f64>, target: usize) -> usize {
    match ms_per_point {
        Some(c) if c > 0.0 => side((FIRST_MS / c).sqrt(), N_MIN, target.max(N_MIN)),
        Some(_) => target,
        None => 32.min(target),
    }
}

/// The side of the refined picture: [`N_MAX`] at rest; while the model moves, what costs about
/// [`MOVING_MS`], within `[MOVING_MIN, rest]` (`rest` is the resolution the view wants at
/// rest, at most [`N_MAX`]).
pub fn target_n(ms_per_point: Option<f64>, moving: bool, rest: usize) -> usize {
    let rest = rest.clamp(N_MIN, N_MAX);
    match (moving, ms_per_point) {
        (false, _) => rest,
        (true, Some(c)) if c > 0.0 => side((MOVING_MS / c).sqrt(), MOVING_MIN.min(rest), rest),
        (true, _) => MOVING_MIN.min(rest),
    }
}

/// What a picture in view shows, its resolution and model aside: the picture and the square
/// data window (centre, half-extent).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Subject {
    /// The density at a stage, or a step's volume change.
    pub what: Picture,
    /// The window's centre.
    pub center: [f64; 2],
    /// The window's half-extent.
    pub half_extent: f64,
}

impl Subject {
    /// The subject `what` over `window`.
    pub fn new(what: Picture, window: ViewTransform) -> Self {
        Subject {
            what,
            center: window.center,
            half_extent: window.half_extent,
        }
    }

    fn window(&self, n: usize) -> ViewTransform {
        ViewTransform {
            center: self.center,
            half_extent: self.half_extent,
            width: n as f64,
            height: n as f64,
        }
    }
}

/// The model a picture was made from: its version (any change of parameters or layers gives a
/// new one) and its shape (layer count and parameter count), by which a cost is remembered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// The version.
    pub version: u64,
    /// `(K, number of raw parameters)`.
    pub shape: (usize, usize),
}

impl Model {
    /// `flow` at `version`.
    pub fn of(flow: &Flow, version: u64) -> Self {
        Model {
            version,
            shape: (flow.len(), flow.params().len()),
        }
    }
}

/// Whose cost per pixel is remembered: a model shape, and whether the picture is a solver error.
type CostKey = ((usize, usize), bool);

/// The picture in view, refined over frames: after a change of subject a coarse picture that
/// fits a frame, then finer ones (at rest, each twice the side of the last, up to the target); after new parameters only (training, a drag) the picture
/// shown stays until a refined one of the newer model is done, and a job in progress is not
/// restarted by newer parameters (else a model that moves every frame would never be shown).
#[derive(Clone, Debug, Default)]
pub struct Refiner {
    job: Option<(Subject, Model, DensityJob)>,
    /// The last job finished.
    finished: Option<DensityJob>,
    shown: Option<(Subject, Model, usize)>,
    /// Milliseconds per pixel measured for a model shape (and whether for a solver error).
    cost: Option<(CostKey, f64)>,
    /// When the last picture of a moving model started (ms).
    moving_started: Option<f64>,
}

impl Refiner {
    /// Nothing shown, nothing measured.
    pub fn new() -> Self {
        Self::default()
    }

    /// The measured milliseconds per pixel of a density for models of `shape`.
    pub fn cost(&self, shape: (usize, usize)) -> Option<f64> {
        self.cost_of((shape, false))
    }

    fn cost_of(&self, key: CostKey) -> Option<f64> {
        self.cost.filter(|(k, _)| *k == key).map(|(_, c)| c)
    }

    /// Records that `points` pixels of a density of a model of `shape` took `ms`.
    pub fn observe(&mut self, shape: (usize, usize), points: usize, ms: f64) {
        self.observe_key((shape, false), points, ms);
    }

    fn observe_key(&mut self, key: CostKey, points: usize, ms: f64) {
        if points == 0 || !ms.is_finite() || ms < 0.0 {
            return;
        }
        let c = ms / points as f64;
        let c = match self.cost_of(key) {
            // Small samples are noisy (a clock of 0.1 ms): they move the estimate a little.
            Some(old) => old + (c - old) * (points as f64 / 4096.0).min(1.0) * 0.5,
            None => c,
        };
        self.cost = Some((key, c));
    }

    /// The side of the last picture shown for `subject` (any model).
    pub fn shown_n(&self, subject: &Subject) -> Option<usize> {
        self.shown
            .filter(|(s, _, _)| s == subject)
            .map(|(_, _, n)| n)
    }

    /// Something is left to compute for `subject` of `model` at rest resolution `rest`.
    pub fn busy(&self, subject: &Subject, model: Model, moving: bool, rest: usize) -> bool {
        self.next_n(subject, model, moving, rest).is_some()
            || self.job.as_ref().is_some_and(|(s, _, _)| s == subject)
    }

    /// The side of the job a frame would start (none if the picture shown is current).
    fn next_n(&self, subject: &Subject, model: Model, moving: bool, rest: usize) -> Option<usize> {
        let c = self.cost_of((model.shape, subject.what.costly()));
        let target = target_n(c, moving, rest);
        match self.shown {
            // At rest the picture doubles its side until the target (32², 64², 128², 256²:
            // a third more work than 256² alone, and a finer picture every step of the way).
            Some((s, m, n)) if s == *subject && m == model => {
                (n < target).then(|| if moving { target } else { (2 * n).min(target) })
            }
            // A new model of the same subject: while it moves, the moving target; at rest (a
            // pause after training) first what fits a frame or a side of [`REST_FIRST`] — a
            // heavy stack's rest target (256²: ~4 s through an ODE in the browser) would leave
            // the last training picture on screen that long — then doubling as above.
            Some((s, _, _)) if s == *subject => Some(if moving {
                target
            } else {
                first_n(c, target).max(REST_FIRST.min(target))
            }),
            _ => Some(first_n(c, target)),
        }
    }

    /// One frame's work on the picture of `subject` for `flow` at `model`: starts the job the
    /// picture needs (dropping one of another subject), computes while `keep_going()` says so,
    /// measuring with `clock` (ms), and returns the job if it finished this frame (to be shown).
    pub fn step(
        &mut self,
        flow: &Flow,
        subject: Subject,
        model: Model,
        moving: bool,
        rest: usize,
        ws: &mut Workspace,
        clock: &dyn Fn() -> f64,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Option<&DensityJob> {
        if self.job.as_ref().is_some_and(|(s, _, _)| *s != subject) {
            self.job = None;
        }
        if self.job.is_none() {
            let n = self.next_n(&subject, model, moving, rest)?;
            // A moving model's next picture waits for its period (a new subject does not).
            if moving && self.shown.is_some_and(|(s, _, _)| s == subject) {
                let now = clock();
                if self
                    .moving_started
                    .is_some_and(|t| now - t < MOVING_PERIOD_MS)
                {
                    return None;
                }
                self.moving_started = Some(now);
            }
            let job = DensityJob::new(flow, subject.what, subject.window(n), n);
            self.job = Some((subject, model, job));
        }
        let (_, job_model, job) = self.job.as_mut()?;
        let t0 = clock();
        let points = job.run(ws, clock, keep_going);
        let key = (job_model.shape, job.what().costly());
        let done = job.is_done();
        self.observe_key(key, points, clock() - t0);
        if !done {
            return None;
        }
        let (s, m, job) = self.job.take()?;
        self.shown = Some((s, m, job.n()));
        // Kept for the caller to show (and its buffers dropped with the next one).
        Some(&*self.finished.insert(job))
    }
}

/// A stack whose pictures are computed a slice per frame: one with a conditioner network (affine
/// or spline coupling), whose density costs a network evaluation per pixel and layer (~3 µs per
/// pixel for four spline layers in the browser, against ~0.15 µs for 32 planar layers, which are
/// drawn at one go), or with a continuous layer (an ODE solve per pixel).
pub fn heavy(flow: &Flow) -> bool {
    flow.kinds().iter().any(|k| {
        matches!(
            k,
            LayerKind::Affine(_) | LayerKind::Spline(_) | LayerKind::Cnf(_)
        )
    })
}

/// Which point set a [`Pusher`] pushes, at which stage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PushKey {
    /// The caller's name for the source points (the fine grid, the coarse one, the particles).
    pub source: u32,
    /// Their number.
    pub len: usize,
    /// The stage they are pushed to.
    pub stage: f64,
}

/// Base points pushed to a stage a chunk at a time, through the copy of the flow it started
/// with (the overlays' warped grid and particles of a heavy stack: 3,800 points through 64 spline
/// layers take ~0.2 s in the browser).
#[derive(Clone, Debug)]
struct PushJob {
    flow: Flow,
    stage: f64,
    xs: Vec<f64>,
    ys: Vec<f64>,
    done: usize,
    chunker: Chunker,
}

impl PushJob {
    fn run(
        &mut self,
        ws: &mut Workspace,
        clock: &dyn Fn() -> f64,
        keep_going: &mut dyn FnMut() -> bool,
    ) {
        let total = self.xs.len();
        while self.done < total {
            let (a, b) = (self.done, (self.done + self.chunker.size).min(total));
            let t0 = clock();
            self.flow
                .push_to_stage(self.stage, &mut self.xs[a..b], &mut self.ys[a..b], ws);
            self.done = b;
            self.chunker.observe(b - a, clock() - t0);
            if !keep_going() {
                break;
            }
        }
    }
}

/// A point set pushed to the stage in view, refreshed a slice per frame: the points last pushed
/// stay drawn until the next push is done; like [`Refiner`], a push in progress is not restarted
/// by newer parameters, only by another source or stage.
#[derive(Clone, Debug, Default)]
pub struct Pusher {
    job: Option<(PushKey, Model, PushJob)>,
    shown: Option<(PushKey, Model)>,
    /// When the last push started (ms).
    started: f64,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

impl Pusher {
    /// Nothing pushed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The points last pushed (empty before the first push is done).
    pub fn points(&self) -> (&[f64], &[f64]) {
        (&self.xs, &self.ys)
    }

    /// The stage of the points last pushed, if any.
    pub fn shown_stage(&self) -> Option<f64> {
        self.shown.map(|(k, _)| k.stage)
    }

    /// One frame's work by `clock` (ms): starts the push `key` needs for `flow` at `model`
    /// (from `src`; for a model that only moved, no sooner than [`PUSH_PERIOD_MS`] after the
    /// last), pushes while `keep_going()` says so, and returns true when a push finished (new
    /// points to draw).
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &mut self,
        flow: &Flow,
        key: PushKey,
        model: Model,
        src_x: &[f64],
        src_y: &[f64],
        ws: &mut Workspace,
        clock: &dyn Fn() -> f64,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> bool {
        let now = clock();
        if self.job.as_ref().is_some_and(|(k, _, _)| *k != key) {
            self.job = None;
        }
        if self.job.is_none() {
            match self.shown {
                Some((k, m)) if k == key && m == model => return false,
                Some((k, _)) if k == key && now - self.started < PUSH_PERIOD_MS => return false,
                _ => self.started = now,
            }
            let n = key.len.min(src_x.len()).min(src_y.len());
            let job = PushJob {
                flow: flow.clone(),
                stage: key.stage,
                xs: src_x[..n].to_vec(),
                ys: src_y[..n].to_vec(),
                done: 0,
                chunker: Chunker::default(),
            };
            self.job = Some((key, model, job));
        }
        let Some((_, _, job)) = self.job.as_mut() else {
            return false;
        };
        job.run(ws, clock, keep_going);
        if job.done < job.xs.len() {
            return false;
        }
        if let Some((k, m, job)) = self.job.take() {
            self.shown = Some((k, m));
            self.xs = job.xs;
            self.ys = job.ys;
        }
        true
    }
}
