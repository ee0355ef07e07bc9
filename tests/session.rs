//! The session layer without a browser: the link ↔ session mapping, one source of truth for the
//! stack's pattern and seed (the Model-panel bug of the UI-architecture issue), undo / redo,
//! comparisons in equal steps, divergence, point edits and imports, the GIF recorder's schedule.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::{Energy, Eval, LayerKind, Preset, StackPattern};
use flow_playground::session::gif_plan::{frames_per_layer, TRAIN_MS};
use flow_playground::session::model::resized;
use flow_playground::session::{
    pattern_of, Checkpoint, CompareRun, GifRecording, History, Session, Stats, TargetChoice,
    ViewParts,
};
use flow_playground::state::{self, Compare, Config, ImportMode, Mode, PresetInfo};

fn parts() -> ViewParts {
    let c = Config::default();
    ViewParts {
        view: c.view,
        embed: c.embed,
        lesson: None,
        compare: None,
    }
}

/// A session opened from link text, as the page does.
fn opened(link: &str) -> Session {
    let (cfg, warnings) = state::decode(link);
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut s = Session::new();
    s.apply_config(&cfg).expect("usable data");
    s
}

#[test]
fn a_radial_link_keeps_its_kind_and_seed_when_k_changes() {
    // The bug: `#v=1&K=16&layers=16r&seed=7`, then K = 8, turned the stack planar (seed 1).
    let mut s = opened("v=1&K=16&layers=16r&seed=7");
    assert_eq!(s.flow().kinds(), vec![LayerKind::Radial; 16].as_slice());
    assert_eq!(s.seed(), 7);
    assert_eq!(pattern_of(s.flow().kinds()), StackPattern::AllRadial);
    s.set_depth(8).unwrap();
    assert_eq!(s.flow().kinds(), vec![LayerKind::Radial; 8].as_slice());
    assert_eq!(s.seed(), 7);
    // And the link written afterwards says so.
    let link = state::encode(&s.to_config(parts()));
    assert!(link.contains("layers=8r"), "{link}");
    assert!(link.contains("seed=7"), "{link}");
}

#[test]
fn patterns_are_read_back_from_the_stack() {
    use LayerKind::{Planar as P, Radial as R};
    assert_eq!(pattern_of(&[P, P, P]), StackPattern::AllPlanar);
    assert_eq!(pattern_of(&[R, R]), StackPattern::AllRadial);
    assert_eq!(pattern_of(&[P, R, P, R, P]), StackPattern::Alternating);
    assert_eq!(pattern_of(&[R, P]), StackPattern::Custom(vec![R, P]));
    // A hand-made stack keeps its layers when K shrinks, and repeats its last kind when it grows.
    assert_eq!(resized(&[R, P, P], 2), vec![R, P]);
    assert_eq!(resized(&[R, P, R, R], 6), vec![R, P, R, R, R, R]);
    assert_eq!(resized(&[P, R, P], 6), vec![P, R, P, R, P, R]);
}

#[test]
fn a_link_round_trip_restores_the_session_exactly() {
    let mut a = Session::new();
    a.set_target(Mode::Points(Some(PresetInfo {
        n: 300,
        seed: 4,
        ..PresetInfo::new(Preset::Pinwheel)
    })))
    .unwrap();
    a.set_stack(&StackPattern::Alternating.kinds(6), 3).unwrap();
    a.set_lr(0.02).unwrap();
    a.set_batch(128).unwrap();
    for _ in 0..40 {
        a.step();
    }
    let text = state::encode(&a.to_config(parts()));
    let b = opened(&text);
    assert_eq!(b.flow().kinds(), a.flow().kinds());
    assert_eq!(
        b.flow().params(),
        a.flow().params(),
        "raw parameters are exact"
    );
    assert_eq!(b.seed(), 3);
    assert_eq!(b.mode(), a.mode());
    assert_eq!(b.points(), a.points());
    assert_eq!(b.lr(), 0.02);
    assert_eq!(b.batch(), 128);
    assert_eq!(b.preset_floor(), Some(Preset::Pinwheel.entropy_floor()));
}

#[test]
fn energies_keep_their_annealing_and_floor() {
    let mut s = Session::new();
    s.set_target(Mode::Energy(Energy::U2.into())).unwrap();
    s.set_anneal(true, 1500).unwrap();
    let cfg = s.to_config(parts());
    assert_eq!(cfg.mode, Mode::Energy(Energy::U2.into()));
    assert_eq!((cfg.train.anneal, cfg.train.anneal_steps), (true, 1500));
    let b = opened(&state::encode(&cfg));
    assert_eq!(b.anneal(), (true, 1500));
    assert_eq!(b.energy().and_then(|e| e.paper()), Some(Energy::U2));
    assert_eq!(
        TargetChoice::of(&b.mode()),
        TargetChoice::Energy(Energy::U2.into())
    );
}

#[test]
fn editing_a_preset_makes_its_points_drawn() {
    let mut s = Session::new();
    assert!(
        s.preset_floor().is_some(),
        "moons at default noise has a floor"
    );
    let n = s.points().len();
    assert!(s.spray([0.0, 0.0], 0.3, 5));
    s.points_edited();
    assert_eq!(s.points().len(), n + 5);
    assert_eq!(s.mode(), Mode::Points(None));
    assert_eq!(s.preset_floor(), None);
    // The link stores the drawn points (and no preset).
    let cfg = s.to_config(parts());
    assert_eq!(cfg.mode, Mode::Points(None));
    assert_eq!(cfg.points.len(), n + 5);
    // Clearing leaves nothing to train on: said, not panicked.
    s.clear_points();
    assert!(s.data_problem().is_some());
    let r = s.step();
    assert_eq!(r.steps, 0);
}

#[test]
fn imports_append_or_replace_and_the_target_becomes_drawn() {
    let mut s = Session::new();
    let pts: Vec<[f64; 2]> = (0..50)
        .map(|i| [(i as f64 * 0.37).sin(), (i as f64 * 0.91).cos()])
        .collect();
    let n = s.points().len();
    assert!(s.import_points(&pts, ImportMode::Append).is_none());
    assert_eq!(s.points().len(), n + 50);
    assert_eq!(s.mode(), Mode::Points(None));
    s.import_points(&pts, ImportMode::Replace);
    assert_eq!(s.points(), pts.as_slice());
    assert!(s.data_problem().is_none());
    // More than the cap: a warning, and the cap holds.
    let many = vec![[0.1, 0.2]; state::MAX_POINTS + 10];
    let w = s.import_points(&many, ImportMode::Replace);
    assert!(w.is_some());
    assert_eq!(s.points().len(), state::MAX_POINTS);
}

#[test]
fn a_huge_learning_rate_diverges_into_one_clear_message() {
    let mut s = Session::new();
    s.set_lr(1e6).unwrap();
    let mut halvings = 0;
    for _ in 0..200 {
        let r = s.step();
        if let Some(d) = r.diverged {
            halvings += 1;
            let m = d.message(None);
            assert!(m.contains("diverged") && m.contains("halved"), "{m}");
            assert!((s.lr() - d.lr).abs() < 1e-15);
        }
    }
    assert!(halvings > 0, "lr 1e6 never diverged");
    assert!(s.lr() < 1e6);
    assert!(s.set_lr(2e6).is_err());
    assert!(s.flow().params().iter().all(|p| p.is_finite()));
    assert!(s.set_lr(f64::NAN).is_err());
    assert!(s.set_lr(-1.0).is_err());
    assert!(s.set_batch(0).is_err());
}

#[test]
fn reset_is_bit_identical() {
    let mut s = Session::new();
    let p0 = s.flow().params().to_vec();
    for _ in 0..30 {
        s.step();
    }
    assert_ne!(s.flow().params(), p0.as_slice());
    s.reset();
    assert_eq!(s.flow().params(), p0.as_slice());
    assert_eq!(s.trainer().step_count(), 0);
}

#[test]
fn undo_and_redo_walk_whole_states() {
    let mut h = History::default();
    let session = Session::new();
    let cfg = |k: usize| {
        session.checkpoint(Config {
            kinds: vec![LayerKind::Planar; k],
            ..Config::default()
        })
    };
    let k = |c: Checkpoint| c.config.k();
    assert_eq!(h.available(), (false, false));
    h.checkpoint(cfg(1));
    h.checkpoint(cfg(1)); // the same state is kept once
    h.checkpoint(cfg(2));
    // Now showing 3: undo gives 2, then 1; redo gives 2 back.
    assert_eq!(h.undo(cfg(3)).map(k), Some(2));
    assert_eq!(h.undo(cfg(2)).map(k), Some(1));
    assert_eq!(h.undo(cfg(1)), None);
    assert_eq!(h.available(), (false, true));
    assert_eq!(h.redo(cfg(1)).map(k), Some(2));
    assert_eq!(h.redo(cfg(2)).map(k), Some(3));
    assert_eq!(h.redo(cfg(3)), None);
    // A new action clears redo.
    h.undo(cfg(3));
    h.checkpoint(cfg(9));
    assert_eq!(h.available(), (true, false));
    // Depth-limited.
    for k in 0..100 {
        h.checkpoint(cfg(k % 60 + 1));
        h.checkpoint(cfg(200 + k));
    }
    let mut n = 0;
    while h.undo(cfg(0)).is_some() {
        n += 1;
    }
    assert_eq!(n, flow_playground::session::history::DEPTH);
}

/// The README's undo contract: after training, an edit and an undo give back the parameters, the
/// step count, the loss history and Adam's state — training then goes on bit for bit as if the
/// edit had never happened.
#[test]
fn undo_after_training_restores_progress_exactly() {
    let mut s = opened("v=1&mode=moons&n=400&K=4&layers=4p&seed=3&clip=off&lr=0.01&batch=64");
    s.train_while(|| 0.0, {
        let mut n = 0;
        move || {
            n += 1;
            n <= 500
        }
    });
    assert_eq!(s.trainer().step_count(), 500);
    let before = s.checkpoint(s.to_config(parts()));
    let history_before = s.trainer().history().to_vec();
    let params_before = s.flow().params().to_vec();
    // The twin never leaves: it trains 25 more steps from here.
    let mut twin = opened("v=1&mode=moons&n=400&K=4&layers=4p&seed=3&clip=off&lr=0.01&batch=64");
    twin.restore(&before).unwrap();

    // A layer drag (parameters written in place), then undo.
    let mut layer = s.flow().layer(1).clone();
    let mut p = layer.params();
    p[0] += 1.5;
    layer = flow_playground::core::Layer::from_params(layer.kind(), &p);
    assert!(s.set_layer(1, &layer));
    assert_ne!(s.flow().params(), params_before.as_slice());
    s.restore(&before).unwrap();

    assert_eq!(s.trainer().step_count(), 500);
    assert_eq!(s.trainer().history(), history_before.as_slice());
    assert_eq!(s.flow().params(), params_before.as_slice());
    assert_eq!(s.trainer().hyper().clip, None, "clip=off survives undo");
    for _ in 0..25 {
        s.step();
        twin.step();
    }
    assert_eq!(
        s.flow().params(),
        twin.flow().params(),
        "Adam's moments and the RNG were restored"
    );
    assert_eq!(s.trainer().step_count(), 525);
}

/// The undo stack stays within its memory budget however large the states are.
#[test]
fn undo_history_is_bounded_in_memory() {
    let s = opened("v=1&mode=moons&K=64&layers=64n&batch=64");
    let mut h = History::default();
    let one = s.checkpoint(s.to_config(parts()));
    assert!(
        one.bytes() > 5 << 20,
        "a 64-layer spline stack's checkpoint is megabytes: {}",
        one.bytes()
    );
    for seed in 0..40u64 {
        let mut c = one.clone();
        c.config.seed = seed;
        h.checkpoint(c);
        assert!(h.bytes() <= flow_playground::session::history::BUDGET_BYTES);
    }
    assert_eq!(h.available(), (true, false));
}

#[test]
fn the_comparison_trains_in_equal_steps() {
    let mut s = Session::new();
    s.set_target(Mode::Energy(Energy::U1.into())).unwrap();
    let mut run = CompareRun::new(&s, Compare::Depths).unwrap();
    assert_eq!(run.energy().and_then(|e| e.paper()), Some(Energy::U1));
    let labels: Vec<&str> = run.entries().iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["planar K = 2", "planar K = 8", "planar K = 32"]);
    let mut budget = 13;
    run.train_while(
        || 0.0,
        || {
            budget -= 1;
            budget >= 0
        },
    );
    let steps: Vec<u64> = run
        .entries()
        .iter()
        .map(|e| e.trainer.step_count())
        .collect();
    assert_eq!(steps.iter().sum::<u64>(), 13);
    assert!(
        steps.iter().max().unwrap() - steps.iter().min().unwrap() <= 1,
        "{steps:?}"
    );
    assert!(run.captions()[2].starts_with("planar K = 32 · step 4"));
    // Planar vs radial at the main depth.
    let run = CompareRun::new(&s, Compare::Kinds).unwrap();
    let kinds: Vec<Vec<LayerKind>> = run
        .entries()
        .iter()
        .map(|e| e.trainer.flow().kinds().to_vec())
        .collect();
    assert_eq!(
        kinds,
        [vec![LayerKind::Planar; 16], vec![LayerKind::Radial; 16]]
    );
    // No usable points: refused with a message.
    let mut d = Session::new();
    d.set_target(Mode::Points(None)).unwrap_err();
    assert!(CompareRun::new(&d, Compare::Kinds).is_err());
}

#[test]
fn why_coupling_flows_won_shows_it_in_the_numbers_too() {
    // The lesson's comparison on its checkerboard: spline 4 ahead of affine 8 ahead of planar 32
    // (held-out NLL, equal steps) from a few hundred steps on, and still so at 2,000 and 3,000 (the
    // README quotes the 3,000-step numbers, checked here to 0.01 nats) with the
    // spline still improving. On the preset's default 1,000 points the coupling flows (7,520 and
    // 9,492 parameters) overfit: at 2,000 steps affine 3.732 had passed spline 3.735, and by
    // 3,000 all three sat within 0.02 nats (3.814 / 3.812 / 3.796) — a lesson contradicting its
    // title. Hence 5,000 points.
    let mut s = Session::new();
    s.apply_config(&state::Lesson::CouplingWon.config())
        .unwrap();
    let mut run = CompareRun::new(&s, Compare::Families).unwrap();
    let nll = |run: &CompareRun| -> Vec<f64> {
        run.entries()
            .iter()
            .map(|e| match e.trainer.last_eval() {
                Some(Eval::HeldOutNll(v)) => v,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let mut at = Vec::new();
    for steps in [300usize, 500, 2000, 3000] {
        let done: u64 = run.entries().iter().map(|e| e.trainer.step_count()).sum();
        let mut left = 3 * steps - done as usize;
        run.train_while(
            || 0.0,
            || {
                let go = left > 0;
                left = left.saturating_sub(1);
                go
            },
        );
        at.push(nll(&run));
    }
    for (v, steps) in at.iter().zip([300, 500, 2000, 3000]) {
        assert!(
            v[2] < v[1] && v[1] < v[0],
            "at {steps} steps: planar, affine, spline {v:?}"
        );
    }
    assert!(
        at[2][2] < at[1][2] - 0.03,
        "the spline stopped improving: {at:?}"
    );
    // The README quotes the numbers at 3,000 steps: planar 3.77, affine 3.64, spline 3.55.
    for (got, want) in at[3].iter().zip([3.77, 3.64, 3.55]) {
        assert!(
            (got - want).abs() < 0.01,
            "at 3,000 steps {:?}, README says 3.77 / 3.64 / 3.55",
            at[3]
        );
    }
}

#[test]
fn the_layer_gif_shows_every_stage_and_holds_the_ends() {
    let k = 4;
    let per = frames_per_layer(k);
    assert_eq!(per, 16);
    let (mut rec, first) = GifRecording::layers(k, 2.5, 0.0);
    assert_eq!(first, 0.0);
    let (w, h) = (8u32, 6u32);
    let mut stages = vec![first];
    let mut delays = Vec::new();
    let mut t = 0.0;
    while !rec.ready_to_encode() {
        t += 16.0;
        let plan = rec.after_frame(t, false);
        let d = plan.capture.expect("every drawn frame is captured");
        delays.push(d);
        // A different picture per stage: the stage's index in the red channel.
        let shade = (delays.len() * 3) as u8;
        rec.add_frame(vec![shade; (w * h * 4) as usize], w, h, d)
            .unwrap();
        if let Some(s) = plan.set_stage {
            stages.push(s);
        }
    }
    // 0, 1/16, …, 4 and then back to the stage shown before.
    assert_eq!(stages.len(), per * k + 2);
    assert_eq!(stages[per * k], k as f64);
    assert_eq!(*stages.last().unwrap(), 2.5);
    assert_eq!(delays.len(), per * k + 1);
    assert_eq!(
        (delays[0], delays[per * k]),
        (120, 120),
        "the ends are held"
    );
    assert!(delays[1..per * k].iter().all(|&d| d == 4));
    assert_eq!(rec.file_name(), "flow-layers-k4.gif");
    let bytes = rec.encode().unwrap();
    assert_eq!(&bytes[..6], b"GIF89a");
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), w as u16);
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), h as u16);
    assert_eq!(*bytes.last().unwrap(), 0x3B, "trailer");
    // One graphic control extension (21 F9) per frame.
    let gce = bytes.windows(2).filter(|p| p == &[0x21, 0xF9]).count();
    assert_eq!(gce, per * k + 1);
}

#[test]
fn a_training_gif_records_for_eight_seconds_and_stops_what_it_started() {
    let mut rec = GifRecording::training(0.0, true);
    assert!(rec.started_training());
    let mut captures = 0;
    let mut t = 0.0;
    let mut stopped = false;
    while !rec.ready_to_encode() {
        t += 16.7;
        let plan = rec.after_frame(t, true);
        if plan.capture.is_some() {
            captures += 1;
            rec.add_frame(vec![0; 16], 2, 2, 16).unwrap();
        }
        stopped |= plan.stop_training;
    }
    assert!(stopped);
    assert!((TRAIN_MS..TRAIN_MS + 20.0).contains(&t), "{t}");
    assert!(
        (45..=52).contains(&captures),
        "{captures} frames in 8 s at 160 ms"
    );
    // A picture of another size is refused, not encoded wrongly.
    assert!(rec.add_frame(vec![0; 36], 3, 3, 16).is_err());
    // Pausing training by hand ends the recording early.
    let mut r2 = GifRecording::training(0.0, false);
    let plan = r2.after_frame(10.0, false);
    assert!(r2.ready_to_encode() && !plan.stop_training);
}

#[test]
fn stats_never_show_nan() {
    let st = Stats {
        step: 3,
        loss: Some(f64::NAN),
        heldout: Some(f64::INFINITY),
        free_energy: Some((f64::NAN, f64::NAN)),
        steps_per_s: 120.0,
        lr: 1e-3,
        beta: 1.0,
    };
    let line = st.line();
    assert!(!line.contains("NaN") && !line.contains("inf"), "{line}");
    assert!(line.starts_with("step 3 · loss —"), "{line}");
    let s = Session::new();
    assert_eq!(Stats::of(&s, 0.0).line(), "step 0");
}

#[test]
fn switching_targets_uses_each_targets_defaults() {
    let mut s = Session::new();
    s.set_lr(0.05).unwrap();
    s.set_target(Mode::Energy(Energy::U3.into())).unwrap();
    assert_eq!(
        s.lr(),
        flow_playground::core::Hyper::energy_default().lr,
        "an energy starts from its defaults"
    );
    let n = s.points().len();
    assert!(n > 0, "an energy keeps the points (unused)");
    s.set_target(Mode::Points(None)).unwrap_err(); // drawn: starts empty
    assert_eq!(s.points().len(), 0);
    s.set_target(Mode::Points(Some(PresetInfo::new(Preset::Rings))))
        .unwrap();
    assert_eq!(s.points().len(), 1000);
    assert!(s.data_problem().is_none());
}
