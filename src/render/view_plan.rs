//! The main view's draw decision, without the browser: given what the last frames decided, what
//! changed and what drawing costs, what this frame draws and at which density resolution.
//! `ui::frame::jobs::main_view` measures, calls [`decide`], draws what the [`Plan`] says, and
//! feeds the density's cost back through [`adapt`].
//!
//! - **Turn-taking**: while training a heavy stack (density and overlays together above
//!   [`SPLIT_DRAW_MS`]), the view's turns alternate between the density and the overlays, so no
//!   frame pays for both; and when only the parameters changed, its overlay turns alternate
//!   between pushing the grid and the particles through the flow (the other is drawn where it
//!   was last pushed).
//! - **Hysteresis**: a split starts above [`SPLIT_DRAW_MS`] and ends only below
//!   [`SPLIT_HYSTERESIS`] of it: split turns are cheaper, and their sum ending the split made
//!   the next turn draw everything.
//! - **Refinement**: while anything animates (playback, training, a drag) the density's
//!   resolution adapts by 32 to keep its cost near [`DENSITY_BUDGET_MS`], never below
//!   [`GRID_PLAY_MIN`] while the timeline plays; at rest it refines to [`GRID_MAX`] if the
//!   expected cost fits [`IDLE_HEAT_MS`], else to the finest halving that does.

/// The best density resolution (at rest); the adaptive ceiling while animating.
pub const GRID_MAX: usize = 256;
/// Lowest adaptive resolution (a coupling stack's density costs a conditioner network per point
/// and layer: while it trains, a coarse picture keeps the frame in budget).
pub const GRID_MIN: usize = 32;
/// The resolution of the first picture.
pub const GRID_START: usize = 192;
/// Lowest density resolution while the timeline plays (the issue-4 bar: playback shows at
/// least 192² pixels).
pub const GRID_PLAY_MIN: usize = 192;
/// The step by which the resolution adapts while animating.
pub const GRID_STEP: usize = 32;
/// Target milliseconds for the density grid while animating.
pub const DENSITY_BUDGET_MS: f64 = 5.0;
/// Most milliseconds one refinement of the picture at rest may take.
pub const IDLE_HEAT_MS: f64 = 150.0;
/// Above this cost of density + overlays while training, turns draw one of them at a time.
pub const SPLIT_DRAW_MS: f64 = 9.0;
/// A split stays on until density + overlays cost less than this fraction of
/// [`SPLIT_DRAW_MS`]. The costs it adds are the last measured ones, and a split makes them
/// cheaper (the overlay turns push the grid or the particles, not both): without hysteresis
/// the sum of two cheap split turns ended the split, and the next turn drew everything (a
/// spline stack: draw p95 14–15.7 ms against 7.1–7.5 with it).
pub const SPLIT_HYSTERESIS: f64 = 0.6;
/// The expected cost of a redraw before one was measured (ms).
pub const DEFAULT_DRAW_MS: f64 = 8.0;

/// Which moving overlays a drawing pushes through the flow again; the other is drawn where it
/// was last pushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refresh {
    /// The warped grid.
    pub grid: bool,
    /// The particles.
    pub particles: bool,
}

impl Refresh {
    /// Both.
    pub const ALL: Refresh = Refresh {
        grid: true,
        particles: true,
    };
}

/// What the decisions of the last frames leave for the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanState {
    /// The density resolution (side of the grid).
    pub grid_n: usize,
    /// The resolution of the last picture drawn (`None` before the first).
    pub drawn_grid_n: Option<usize>,
    /// Density and overlays are drawn on alternate turns.
    pub split: bool,
    /// While split: the last turn drew the overlays (else the density).
    pub overlay_turn: bool,
    /// The last alternating overlay turn pushed the grid (else the particles).
    pub grid_turn: bool,
}

impl Default for PlanState {
    fn default() -> Self {
        PlanState {
            grid_n: GRID_START,
            drawn_grid_n: None,
            split: false,
            overlay_turn: false,
            grid_turn: false,
        }
    }
}

/// What changed since the last picture, the density's resolution aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Nothing.
    Nothing,
    /// Only the model's parameters (a training step, a drag).
    ParamsOnly,
    /// Something else (the stage, the view, an overlay, the size…), or nothing was drawn yet.
    More,
}

/// This frame's situation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// The timeline plays.
    pub playing: bool,
    /// Training runs.
    pub training: bool,
    /// A layer handle is dragged.
    pub dragging: bool,
    /// The frame loop gives the main view its turn (always when not training).
    pub draw_turn: bool,
    /// What changed since the last picture (resolution aside).
    pub change: Change,
    /// The density shown would be the same as last drawn: the dragged layer acts after the stage
    /// shown, and only the parameters and the editor changed (resolution aside).
    pub density_kept: bool,
    /// The warped grid and the particles are both on.
    pub grid_and_particles: bool,
}

impl Inputs {
    /// Playback, training or a drag: the picture moves.
    pub fn animating(&self) -> bool {
        self.playing || self.training || self.dragging
    }
}

/// The last measured costs (ms).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Costs {
    /// The last density drawing.
    pub heat_ms: f64,
    /// The last overlay drawing.
    pub overlay_ms: f64,
}

/// What this frame does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The density resolution of this frame.
    pub grid_n: usize,
    /// The view redraws (the density, the overlays or both).
    pub draw: bool,
    /// The density is drawn.
    pub heat: bool,
    /// The overlays are drawn.
    pub overlays: bool,
    /// Which overlays are pushed through the flow again.
    pub refresh: Refresh,
    /// The state for the next frame (its resolution still to [`adapt`] to this frame's cost).
    pub next: PlanState,
}

/// Density and overlays together cost more than a training turn may spend on both: above
/// [`SPLIT_DRAW_MS`] to start a split, above [`SPLIT_HYSTERESIS`] of it to keep one.
pub fn split_wanted(split: bool, costs: Costs) -> bool {
    let limit = if split {
        SPLIT_DRAW_MS * SPLIT_HYSTERESIS
    } else {
        SPLIT_DRAW_MS
    };
    costs.heat_ms + costs.overlay_ms > limit
}

/// The resolution at rest: [`GRID_MAX`] if its expected cost (the last density's, `heat_ms` at
/// `grid_n`, scaled by the pixel count) fits [`IDLE_HEAT_MS`] — a planar stack always does —
/// else the finest halving of it that fits, never below `grid_n`.
pub fn refined(grid_n: usize, heat_ms: f64) -> usize {
    if grid_n >= GRID_MAX {
        return grid_n;
    }
    let n = grid_n as f64;
    let cost = |m: usize| heat_ms * (m * m) as f64 / (n * n);
    let mut next = GRID_MAX;
    while next > grid_n && cost(next) > IDLE_HEAT_MS {
        next /= 2;
    }
    next.max(grid_n)
}

/// This frame's decision.
pub fn decide(last: &PlanState, now: &Inputs, costs: Costs) -> Plan {
    let split_on = split_wanted(last.split, costs);
    let mut grid_n = last.grid_n;
    if !now.animating() {
        grid_n = refined(grid_n, costs.heat_ms);
    }
    if now.playing {
        grid_n = grid_n.max(GRID_PLAY_MIN);
    }
    let same_grid = last.drawn_grid_n == Some(grid_n);
    let unchanged = same_grid && now.change == Change::Nothing;
    let only_params = same_grid && now.change != Change::More;
    let mut next = PlanState {
        grid_n,
        split: split_on,
        ..*last
    };
    // A training frame off its turn skips a redraw that only new parameters asked for.
    if unchanged || (now.training && !now.draw_turn && only_params) {
        return Plan {
            grid_n,
            draw: false,
            heat: false,
            overlays: false,
            refresh: Refresh::ALL,
            next,
        };
    }
    // A heavy stack in training: this turn draws the density or the overlays, not both.
    let split = now.training && last.drawn_grid_n.is_some() && split_on;
    next.overlay_turn = split && !last.overlay_turn;
    let (heat, overlays) = (!next.overlay_turn, !split || next.overlay_turn);
    // A split overlay turn after new parameters only: the grid and the particles take turns.
    let refresh = if split && overlays && now.grid_and_particles && only_params {
        next.grid_turn = !last.grid_turn;
        Refresh {
            grid: next.grid_turn,
            particles: !next.grid_turn,
        }
    } else {
        Refresh::ALL
    };
    next.drawn_grid_n = Some(grid_n);
    Plan {
        grid_n,
        draw: true,
        heat: heat && !(now.density_kept && same_grid),
        overlays,
        refresh,
        next,
    }
}

/// The next frame's state once this frame's density took `heat_ms`: while animating, a density
/// over 1.4× [`DENSITY_BUDGET_MS`] lowers the resolution by [`GRID_STEP`] (not below
/// [`GRID_PLAY_MIN`] while playing, [`GRID_MIN`] otherwise), one under half of it raises it (up
/// to [`GRID_MAX`]). Unchanged if the density was not drawn or nothing animates.
pub fn adapt(plan: &Plan, now: &Inputs, heat_ms: f64) -> PlanState {
    let mut next = plan.next;
    if now.animating() && plan.heat {
        let floor = if now.playing { GRID_PLAY_MIN } else { GRID_MIN };
        if heat_ms > DENSITY_BUDGET_MS * 1.4 && next.grid_n > floor {
            next.grid_n = next.grid_n.saturating_sub(GRID_STEP).max(floor);
        } else if heat_ms < DENSITY_BUDGET_MS * 0.5 && next.grid_n < GRID_MAX {
            next.grid_n += GRID_STEP;
        }
    }
    next
}

/// The costs after this frame: each part drawn replaces its last cost.
pub fn record(costs: Costs, plan: &Plan, heat_ms: f64, overlay_ms: f64) -> Costs {
    Costs {
        heat_ms: if plan.heat { heat_ms } else { costs.heat_ms },
        overlay_ms: if plan.overlays {
            overlay_ms
        } else {
            costs.overlay_ms
        },
    }
}

/// What the view's next turn is expected to cost (ms), for the frame loop's training budget: a
/// split turn costs what its kind last cost (turns alternate); otherwise `measured`, the loop's
/// average of whole turns ([`DEFAULT_DRAW_MS`] before one).
pub fn expected_ms(state: &PlanState, costs: Costs, measured: Option<f64>) -> f64 {
    if split_wanted(state.split, costs) {
        if state.overlay_turn {
            costs.heat_ms
        } else {
            costs.overlay_ms
        }
    } else {
        measured.unwrap_or(DEFAULT_DRAW_MS)
    }
}
