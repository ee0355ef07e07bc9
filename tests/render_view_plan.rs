//! The main view's draw decision (`render::view_plan`), frame by frame as the job drives it:
//! turn-taking while training a heavy stack (density and overlays alternate above 9 ms; on
//! overlay turns the grid and the particles alternate), the split's hysteresis (starts above
//! 9 ms, ends below 5.4 ms, holds in between), and the density's resolution (adapts by 32 while
//! animating, never below 192² while playing, refines at rest within a one-off budget).
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::render::view_plan::{
    adapt, decide, expected_ms, record, refined, split_wanted, Change, Costs, Inputs, Plan,
    PlanState, Refresh, GRID_MAX, GRID_MIN, GRID_PLAY_MIN,
};

/// A training frame on the view's turn after a training step (only the parameters changed),
/// grid and particles on.
fn training() -> Inputs {
    Inputs {
        playing: false,
        training: true,
        dragging: false,
        draw_turn: true,
        change: Change::ParamsOnly,
        density_kept: false,
        grid_and_particles: true,
    }
}

fn at_rest(change: Change) -> Inputs {
    Inputs {
        training: false,
        change,
        ..training()
    }
}

fn costs(heat_ms: f64, overlay_ms: f64) -> Costs {
    Costs {
        heat_ms,
        overlay_ms,
    }
}

/// A state after a first picture at `grid_n`.
fn drawn(grid_n: usize) -> PlanState {
    PlanState {
        grid_n,
        drawn_grid_n: Some(grid_n),
        ..PlanState::default()
    }
}

/// Runs `n` frames with fixed inputs; each frame's density costs `heat_ms` and its overlays
/// `overlay_ms` when drawn. The plans, in order.
fn frames(
    mut state: PlanState,
    mut c: Costs,
    now: Inputs,
    heat_ms: f64,
    overlay_ms: f64,
    n: usize,
) -> Vec<Plan> {
    let mut out = Vec::new();
    for _ in 0..n {
        let plan = decide(&state, &now, c);
        state = adapt(&plan, &now, heat_ms);
        c = record(c, &plan, heat_ms, overlay_ms);
        out.push(plan);
    }
    out
}

#[test]
fn a_heavy_stack_in_training_alternates_density_and_overlays() {
    // 6 + 5 = 11 ms > 9: every turn draws one of them, alternately, starting with the overlays.
    let plans = frames(drawn(64), costs(6.0, 5.0), training(), 6.0, 5.0, 8);
    for (i, p) in plans.iter().enumerate() {
        assert!(p.draw, "frame {i}");
        assert_ne!(p.heat, p.overlays, "frame {i}: one of them, {p:?}");
        assert_eq!(p.overlays, i % 2 == 0, "frame {i}: {p:?}");
    }
}

#[test]
fn a_light_stack_draws_both_every_turn() {
    let plans = frames(drawn(64), costs(3.0, 3.0), training(), 3.0, 3.0, 6);
    for p in &plans {
        assert!(p.draw && p.heat && p.overlays, "{p:?}");
        assert_eq!(p.refresh, Refresh::ALL);
    }
}

#[test]
fn the_split_needs_training_and_a_first_picture() {
    // Heavy costs, but the timeline plays instead of training: both every frame.
    let playing = Inputs {
        playing: true,
        training: false,
        change: Change::More,
        ..training()
    };
    let p = decide(&drawn(192), &playing, costs(8.0, 6.0));
    assert!(p.heat && p.overlays);
    // Training, heavy, but nothing drawn yet: the first picture has both.
    let p = decide(&PlanState::default(), &training(), costs(8.0, 6.0));
    assert!(p.draw && p.heat && p.overlays, "{p:?}");
}

#[test]
fn overlay_turns_alternate_the_grid_and_the_particles() {
    let plans = frames(drawn(64), costs(6.0, 5.0), training(), 6.0, 5.0, 8);
    let overlay_turns: Vec<Refresh> = plans
        .iter()
        .filter(|p| p.overlays)
        .map(|p| p.refresh)
        .collect();
    assert_eq!(overlay_turns.len(), 4);
    for (i, r) in overlay_turns.iter().enumerate() {
        // One pass at a time, the grid first.
        assert_eq!(r.grid, i % 2 == 0, "overlay turn {i}: {r:?}");
        assert_eq!(r.particles, i % 2 == 1, "overlay turn {i}: {r:?}");
    }
    // Only one of them on: nothing to alternate, the one pushed every overlay turn.
    let one = Inputs {
        grid_and_particles: false,
        ..training()
    };
    for p in frames(drawn(64), costs(6.0, 5.0), one, 6.0, 5.0, 6) {
        assert_eq!(p.refresh, Refresh::ALL);
    }
    // More than the parameters changed (the stage, the view): both are pushed again.
    let moved = Inputs {
        change: Change::More,
        ..training()
    };
    let p = decide(&drawn(64), &moved, costs(6.0, 5.0));
    assert!(p.overlays && !p.heat);
    assert_eq!(p.refresh, Refresh::ALL);
}

#[test]
fn the_split_starts_above_9_ms_and_ends_below_5_4() {
    // Not split: starts only above 9 ms.
    assert!(!split_wanted(false, costs(5.0, 4.0)));
    assert!(!split_wanted(false, costs(4.5, 4.4)));
    assert!(split_wanted(false, costs(5.0, 4.1)));
    // Split: holds between 5.4 and 9, ends below 5.4.
    assert!(split_wanted(true, costs(4.0, 4.0)));
    assert!(split_wanted(true, costs(3.0, 2.5)));
    assert!(!split_wanted(true, costs(3.0, 2.3)));
    // Through decide: a split at 8 ms of measured costs keeps splitting; a fresh state does not.
    let mut split = drawn(64);
    split.split = true;
    let p = decide(&split, &training(), costs(4.0, 4.0));
    assert!(p.next.split && p.heat != p.overlays, "{p:?}");
    let p = decide(&drawn(64), &training(), costs(4.0, 4.0));
    assert!(!p.next.split && p.heat && p.overlays, "{p:?}");
    let p = decide(&split, &training(), costs(3.0, 2.0));
    assert!(!p.next.split && p.heat && p.overlays, "{p:?}");
}

#[test]
fn cheap_split_turns_do_not_end_the_split() {
    // A spline stack: the density costs 6 ms, a full overlay turn 5, a split overlay turn (grid
    // or particles alone) 3. Once split, the measured sum is 6 + 3 = 9 — not above 9, so it
    // could not start a split, but far above 5.4, so the split holds.
    let mut state = drawn(64);
    let mut c = costs(6.0, 5.0);
    let now = training();
    let mut both = 0;
    for i in 0..20 {
        let plan = decide(&state, &now, c);
        if i > 0 {
            assert!(plan.next.split, "frame {i}: {c:?}");
        }
        both += usize::from(plan.heat && plan.overlays);
        let overlay_ms = if plan.refresh == Refresh::ALL {
            5.0
        } else {
            3.0
        };
        state = adapt(&plan, &now, 6.0);
        c = record(c, &plan, 6.0, overlay_ms);
    }
    assert_eq!(both, 0, "no turn drew everything");
}

#[test]
fn off_its_turn_the_view_skips_new_parameters_only() {
    let off = Inputs {
        draw_turn: false,
        ..training()
    };
    let p = decide(&drawn(64), &off, costs(2.0, 2.0));
    assert!(!p.draw && !p.heat && !p.overlays);
    // Something else changed: it redraws even off its turn.
    let p = decide(
        &drawn(64),
        &Inputs {
            change: Change::More,
            ..off
        },
        costs(2.0, 2.0),
    );
    assert!(p.draw);
    // Nothing changed at all: no redraw.
    let p = decide(&drawn(256), &at_rest(Change::Nothing), costs(2.0, 2.0));
    assert!(!p.draw);
}

#[test]
fn a_drag_after_the_stage_shown_keeps_the_density() {
    let drag = Inputs {
        training: false,
        dragging: true,
        density_kept: true,
        ..training()
    };
    let p = decide(&drawn(128), &drag, costs(4.0, 3.0));
    assert!(p.draw && !p.heat && p.overlays, "{p:?}");
    // Unless the resolution changed.
    let mut state = drawn(128);
    state.grid_n = 160;
    let p = decide(&state, &drag, costs(4.0, 3.0));
    assert!(p.heat);
}

#[test]
fn the_resolution_adapts_while_animating() {
    // A drag (animating, not training: no split whatever the cost).
    let now = Inputs {
        training: false,
        dragging: true,
        ..training()
    };
    let step = |grid_n: usize, heat_ms: f64| {
        let plan = decide(&drawn(grid_n), &now, costs(heat_ms, 1.0));
        assert!(plan.heat, "{plan:?}");
        adapt(&plan, &now, heat_ms).grid_n
    };
    // Over 7 ms (1.4 × 5): down by 32; under 2.5 ms: up by 32; in between: kept.
    assert_eq!(step(128, 7.5), 96);
    assert_eq!(step(128, 2.0), 160);
    assert_eq!(step(128, 5.0), 128);
    assert_eq!(step(128, 7.0), 128);
    assert_eq!(step(128, 2.5), 128);
    // Never below 32 nor above 256.
    assert_eq!(step(GRID_MIN, 20.0), GRID_MIN);
    assert_eq!(step(48, 20.0), GRID_MIN);
    assert_eq!(step(GRID_MAX, 0.5), GRID_MAX);
    // Not drawn (an overlay turn): no evidence, no change.
    let mut split = drawn(128);
    split.split = true;
    let plan = decide(&split, &training(), costs(9.0, 6.0));
    assert!(!plan.heat);
    assert_eq!(adapt(&plan, &training(), 30.0).grid_n, 128);
}

#[test]
fn playback_never_shows_less_than_192() {
    let playing = Inputs {
        playing: true,
        training: false,
        change: Change::More,
        ..training()
    };
    // A coarse state (left by training) jumps to 192 when playback starts.
    let p = decide(&drawn(64), &playing, costs(1.0, 1.0));
    assert_eq!(p.grid_n, GRID_PLAY_MIN);
    // A slow density while playing stays at 192.
    let mut state = drawn(GRID_PLAY_MIN);
    let mut c = costs(20.0, 1.0);
    for _ in 0..10 {
        let plan = decide(&state, &playing, c);
        assert!(plan.grid_n >= GRID_PLAY_MIN, "{plan:?}");
        state = adapt(&plan, &playing, 20.0);
        c = record(c, &plan, 20.0, 1.0);
        assert!(state.grid_n >= GRID_PLAY_MIN);
    }
    // A fast one climbs to 256 and stops.
    let mut state = drawn(GRID_PLAY_MIN);
    for _ in 0..10 {
        let plan = decide(&state, &playing, c);
        state = adapt(&plan, &playing, 1.0);
    }
    assert_eq!(state.grid_n, GRID_MAX);
}

#[test]
fn at_rest_the_picture_refines_within_a_one_off_budget() {
    // 128² took 20 ms: 256² would take 80 ≤ 150.
    assert_eq!(refined(128, 20.0), 256);
    // 128² took 50 ms: 256² would take 200 > 150; 128 is where it is.
    assert_eq!(refined(128, 50.0), 128);
    // 64² took 10 ms: 256² 160 > 150, 128² 40: the finest halving that fits.
    assert_eq!(refined(64, 10.0), 128);
    // 32² took 30 ms: 256² 1920, 128² 480, 64² 120 ≤ 150.
    assert_eq!(refined(32, 30.0), 64);
    // Nothing measured yet (a planar stack is cheap): full resolution.
    assert_eq!(refined(96, 0.0), 256);
    // Never coarser than now.
    assert_eq!(refined(224, 1000.0), 224);
    // Through decide: at rest, the state refines and redraws even if nothing else changed.
    let p = decide(&drawn(128), &at_rest(Change::Nothing), costs(20.0, 2.0));
    assert_eq!(p.grid_n, 256);
    assert!(p.draw && p.heat, "{p:?}");
    // While animating it does not refine.
    let p = decide(&drawn(128), &training(), costs(20.0, 2.0));
    assert_eq!(p.grid_n, 128);
    // And at rest, after drawing, the resolution does not adapt down.
    let rest = at_rest(Change::More);
    let plan = decide(&drawn(256), &rest, costs(40.0, 2.0));
    assert_eq!(adapt(&plan, &rest, 40.0).grid_n, 256);
}

#[test]
fn the_expected_cost_of_a_split_turn_is_its_kind() {
    // Not split: the loop's average (8 ms before one).
    assert_eq!(expected_ms(&drawn(64), costs(3.0, 3.0), None), 8.0);
    assert_eq!(expected_ms(&drawn(64), costs(3.0, 3.0), Some(5.5)), 5.5);
    // Split, the last turn drew the overlays: the next draws the density.
    let mut s = drawn(64);
    s.split = true;
    s.overlay_turn = true;
    assert_eq!(expected_ms(&s, costs(6.0, 4.0), Some(9.9)), 6.0);
    s.overlay_turn = false;
    assert_eq!(expected_ms(&s, costs(6.0, 4.0), Some(9.9)), 4.0);
}

#[test]
fn the_same_inputs_give_the_same_plan() {
    let s = drawn(96);
    let a = decide(&s, &training(), costs(6.0, 5.0));
    let b = decide(&s, &training(), costs(6.0, 5.0));
    assert_eq!(a, b);
    assert_eq!(
        record(costs(1.0, 2.0), &a, 3.0, 4.0),
        Costs {
            heat_ms: if a.heat { 3.0 } else { 1.0 },
            overlay_ms: if a.overlays { 4.0 } else { 2.0 },
        }
    );
}
