//! A heavy picture computed a slice at a time (`render::progressive`): the finished picture is
//! the one-shot one bit for bit, whatever the slices; the refiner shows a coarse picture after a
//! change of subject, then finer ones, keeps a job in progress through new parameters, and
//! drops it when the subject changes.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::atomic::{AtomicU64, Ordering};

use flow_playground::core::cnf::hutchinson::picture_log_density;
use flow_playground::core::cnf::solver_error::solver_error;
use flow_playground::core::cnf::CnfSpec;
use flow_playground::core::{init_params, Direction, Flow, Init, Keep, LayerKind, Workspace};
use flow_playground::render::progressive::{
    first_n, heavy, target_n, Chunker, DensityJob, Model, Picture, Refiner, Subject, CHUNK,
    CHUNK_MS, MIN_CHUNK, MOVING_MIN, MOVING_PERIOD_MS, N_MAX, REST_FIRST,
};
use flow_playground::render::ViewTransform;

fn flow(kinds: &[LayerKind], dir: Direction, seed: u64) -> Flow {
    let p = init_params(kinds, Init::SmallNormal(0.3), seed);
    Flow::with_params(kinds, &p, dir).expect("params match")
}

fn spline_stack() -> Vec<LayerKind> {
    vec![
        LayerKind::Scale,
        LayerKind::Spline(Keep::X),
        LayerKind::Spline(Keep::Y),
        LayerKind::Affine(Keep::X),
    ]
}

fn window() -> ViewTransform {
    ViewTransform {
        center: [0.3, -0.2],
        half_extent: 3.5,
        width: 1.0,
        height: 1.0,
    }
}

/// The whole `n × n` picture in one call, as the main view draws a light stack.
fn one_shot(flow: &Flow, what: Picture, n: usize) -> Vec<f64> {
    let view = ViewTransform {
        width: n as f64,
        height: n as f64,
        ..window()
    };
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    view.pixel_centers(n, n, &mut xs, &mut ys);
    let mut out = vec![0.0; xs.len()];
    let mut ws = Workspace::default();
    match what {
        Picture::Density { stage, probes } => {
            picture_log_density(flow, stage, probes as usize, 0, &xs, &ys, &mut out, &mut ws)
        }
        Picture::Volume { step } => flow.step_log_det(step, 1.0, &xs, &ys, &mut out, &mut ws),
        Picture::SolverError { stage } => {
            assert!(solver_error(flow, stage, &xs, &ys, &mut out));
        }
    }
    out
}

/// The picture of `what` computed one chunk per call equals `expect` bit for bit.
fn assert_sliced_equals(f: &Flow, what: Picture, n: usize, expect: &[f64]) {
    let mut job = DensityJob::new(f, what, window(), n);
    let mut ws = Workspace::default();
    while !job.is_done() {
        job.run(&mut ws, &|| 0.0, &mut || false);
    }
    assert!(job
        .values()
        .iter()
        .zip(expect)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn sliced_hutchinson_pictures_equal_one_shot_pictures() {
    // Each pixel keeps its probes whichever slice computes it: the picture of Hutchinson's
    // estimator, computed a chunk at a time, is the one-shot picture bit for bit, and differs
    // from the exact one.
    let f = flow(
        &[LayerKind::Cnf(CnfSpec::planar(3))],
        Direction::Normalizing,
        4,
    );
    let n = 19;
    for stage in [0.5, 1.0] {
        let what = Picture::Density { stage, probes: 1 };
        let expect = one_shot(&f, what, n);
        assert_sliced_equals(&f, what, n, &expect);
        let exact = one_shot(&f, Picture::Density { stage, probes: 0 }, n);
        assert!(expect.iter().zip(&exact).any(|(a, b)| (a - b).abs() > 1e-3));
    }
}

#[test]
fn sliced_solver_error_pictures_equal_one_shot_pictures() {
    let f = flow(
        &[LayerKind::Cnf(CnfSpec {
            method: flow_playground::core::cnf::Method::Euler,
            steps: 3,
            ..CnfSpec::planar(3)
        })],
        Direction::Normalizing,
        4,
    );
    let n = 19;
    for stage in [0.5, 1.0] {
        let what = Picture::SolverError { stage };
        let expect = one_shot(&f, what, n);
        assert_sliced_equals(&f, what, n, &expect);
        assert!(
            expect.iter().any(|e| e.abs() > 1e-6),
            "Euler × 3 is not exact"
        );
    }
}

#[test]
fn sliced_pictures_equal_one_shot_pictures() {
    let cases = [
        (spline_stack(), Direction::Normalizing),
        (
            vec![LayerKind::Planar, LayerKind::Radial, LayerKind::Planar],
            Direction::Generative,
        ),
    ];
    for (kinds, dir) in cases {
        let f = flow(&kinds, dir, 7);
        for what in [
            Picture::Density {
                stage: f.len() as f64,
                probes: 0,
            },
            Picture::Density {
                stage: 1.5,
                probes: 0,
            },
            Picture::Volume { step: 2 },
        ] {
            // 37² is no multiple of a chunk: the last slice is short.
            let n = 37;
            let expect = one_shot(&f, what, n);
            let mut job = DensityJob::new(&f, what, window(), n);
            let mut ws = Workspace::default();
            let mut calls = 0;
            while !job.is_done() {
                // One chunk per call, as a frame whose time is up after its first chunk.
                let got = job.run(&mut ws, &|| 0.0, &mut || false);
                assert!(got > 0, "a call computes at least one chunk");
                calls += 1;
            }
            assert!(calls > 1, "the picture took several slices");
            assert_eq!(job.values().len(), expect.len());
            for (i, (a, b)) in job.values().iter().zip(&expect).enumerate() {
                assert!(
                    a.to_bits() == b.to_bits(),
                    "{kinds:?} {what:?} pixel {i}: sliced {a} vs one-shot {b}"
                );
            }
        }
    }
}

#[test]
fn chunks_are_sized_from_the_clock() {
    // The rule: the next chunk takes about CHUNK_MS at the last chunk's cost per point, within
    // [MIN_CHUNK, CHUNK]; a chunk the clock did not see move is cheap.
    let mut c = Chunker::default();
    assert_eq!(c.size(), MIN_CHUNK, "a job's first chunk measures");
    c.observe(16, 0.25 * CHUNK_MS);
    assert_eq!(c.size(), CHUNK, "cheap points: the largest chunk");
    c.observe(20, CHUNK_MS); // 20 points per CHUNK_MS
    assert_eq!(c.size(), 20);
    c.observe(16, 20.0 * CHUNK_MS); // an ODE solve per point in a slow browser
    assert_eq!(c.size(), MIN_CHUNK);
    c.observe(64, 0.0);
    assert_eq!(c.size(), CHUNK);
    // Wired into a job: with a clock that moves 5 ms at every read, each chunk "costs" 5 ms, so
    // the job stays at its smallest chunk; with a clock that does not move, it grows.
    let kinds = spline_stack();
    let f = flow(&kinds, Direction::Normalizing, 3);
    let what = Picture::Density {
        stage: 4.0,
        probes: 0,
    };
    let mut job = DensityJob::new(&f, what, window(), 40);
    let mut ws = Workspace::default();
    let ticks = AtomicU64::new(0);
    let slow = || 5.0 * ticks.fetch_add(1, Ordering::Relaxed) as f64;
    for _ in 0..3 {
        assert_eq!(job.run(&mut ws, &slow, &mut || false), MIN_CHUNK);
    }
    assert_eq!(job.run(&mut ws, &|| 0.0, &mut || false), MIN_CHUNK);
    assert_eq!(job.run(&mut ws, &|| 0.0, &mut || false), CHUNK);
}

#[test]
fn a_job_shows_the_model_it_started_with() {
    let kinds = spline_stack();
    let (a, b) = (
        flow(&kinds, Direction::Normalizing, 1),
        flow(&kinds, Direction::Normalizing, 2),
    );
    let what = Picture::Density {
        stage: 4.0,
        probes: 0,
    };
    let mut job = DensityJob::new(&a, what, window(), 24);
    let mut ws = Workspace::default();
    job.run(&mut ws, &|| 0.0, &mut || false);
    // The session's model moves on (`b`); the job keeps its copy of `a`.
    drop(b);
    job.run(&mut ws, &|| 0.0, &mut || true);
    assert!(job.is_done());
    assert_eq!(job.values(), &one_shot(&a, what, 24)[..]);
}

#[test]
fn resolutions_fit_their_budgets() {
    // Unknown cost: a small first picture; the rest resolution at rest.
    assert_eq!(first_n(None, N_MAX), 32);
    assert_eq!(target_n(None, false, N_MAX), N_MAX);
    assert_eq!(target_n(None, true, N_MAX), MOVING_MIN);
    // 64 spline layers in the browser, ~25 µs a pixel: a 16² first picture (6.4 ms ≤ 8), and
    // while training the floor of 96² however long it takes.
    assert_eq!(first_n(Some(0.025), N_MAX), 16);
    assert_eq!(target_n(Some(0.025), true, N_MAX), MOVING_MIN);
    // Four spline layers, ~3 µs: 48² first (6.9 ms), 128² while training (49 ms ≤ 60).
    assert_eq!(first_n(Some(0.003), N_MAX), 48);
    assert_eq!(target_n(Some(0.003), true, N_MAX), 128);
    // A cheap stack: both at the rest resolution.
    assert_eq!(first_n(Some(1e-5), N_MAX), N_MAX);
    assert_eq!(target_n(Some(1e-5), true, N_MAX), N_MAX);
    // Never outside [16, rest].
    for c in [1e-9, 1e-4, 0.01, 1.0, 100.0, f64::INFINITY] {
        for rest in [16, 100, 256, 999] {
            let t = target_n(Some(c), true, rest);
            let f = first_n(Some(c), t);
            assert!(
                (16..=rest.min(N_MAX)).contains(&t) && (16..=t).contains(&f),
                "{c} {rest}: {f} {t}"
            );
        }
    }
}

#[test]
fn heavy_means_a_conditioner_network() {
    assert!(heavy(&flow(&spline_stack(), Direction::Normalizing, 1)));
    assert!(heavy(&flow(
        &[LayerKind::Affine(Keep::Y)],
        Direction::Normalizing,
        1
    )));
    let light = [
        LayerKind::Planar,
        LayerKind::Radial,
        LayerKind::Sylvester,
        LayerKind::Scale,
    ];
    assert!(!heavy(&flow(&light, Direction::Normalizing, 1)));
}

/// The fake clock of [`frame`] (ms, as f64 bits), across frames.
static CLOCK: AtomicU64 = AtomicU64::new(0);
/// Held by each test that uses the fake clock: they take turns (tests run on parallel threads).
static CLOCK_USER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn clock() -> f64 {
    f64::from_bits(CLOCK.load(Ordering::Relaxed))
}

fn set_clock(t: f64) {
    CLOCK.store(t.to_bits(), Ordering::Relaxed);
}

/// A refiner's frame with a fake clock: frames start 16.7 ms apart, every chunk "costs" 0.5 ms,
/// the frame has `budget` ms. Returns the side of the picture shown, if one was.
fn frame(
    r: &mut Refiner,
    f: &Flow,
    subject: Subject,
    model: Model,
    moving: bool,
    budget: f64,
) -> Option<usize> {
    let start = (clock() / 16.7).floor() * 16.7 + 16.7;
    set_clock(start);
    let now = clock;
    let mut ws = Workspace::default();
    r.step(f, subject, model, moving, N_MAX, &mut ws, &now, &mut || {
        set_clock(clock() + 0.5);
        now() - start < budget
    })
    .map(|j| j.n())
}

/// The chunks of an `n × n` job under the fake clock (which does not move within a chunk, so
/// after the first, measuring one, every chunk is the largest).
fn chunks(n: usize) -> usize {
    1 + (n * n - MIN_CHUNK).div_ceil(CHUNK)
}

/// Frames at rest (a chunk each) until the 256² picture is shown: the sides shown, the frame of
/// the first, and the frames taken.
fn refine_at_rest(
    r: &mut Refiner,
    f: &Flow,
    subject: Subject,
    model: Model,
) -> (Vec<usize>, Option<usize>, usize) {
    let (mut sides, mut first_at, mut frames) = (Vec::new(), None, 0);
    while sides.last() != Some(&256) {
        frames += 1;
        if let Some(n) = frame(r, f, subject, model, false, 0.1) {
            first_at.get_or_insert(frames);
            sides.push(n);
        }
        assert!(frames < 10_000);
    }
    (sides, first_at, frames)
}

#[test]
fn the_refiner_shows_coarse_then_fine_and_keeps_its_job_through_training() {
    let _turn = CLOCK_USER.lock().unwrap_or_else(|e| e.into_inner());
    set_clock(0.0);
    let kinds = spline_stack();
    let f1 = flow(&kinds, Direction::Normalizing, 1);
    let f2 = flow(&kinds, Direction::Normalizing, 2);
    let subject = Subject::new(
        Picture::Density {
            stage: 4.0,
            probes: 0,
        },
        window(),
    );
    let (m1, m2) = (Model::of(&f1, 1), Model::of(&f2, 2));
    let mut r = Refiner::new();
    // First frame: the 32² coarse picture (a chunk of 16, then 16 of 64, at 0.5 ms each) fits a
    // 10 ms frame.
    assert_eq!(frame(&mut r, &f1, subject, m1, false, 10.0), Some(32));
    // At rest the side doubles up to 256²: 64², 128², 256², each a chunk per frame.
    let (sides, _, frames) = refine_at_rest(&mut r, &f1, subject, m1);
    assert_eq!(sides, [64, 128, 256]);
    assert_eq!(frames, chunks(64) + chunks(128) + chunks(256));
    // Nothing left: no job, nothing shown.
    assert!(!r.busy(&subject, m1, false, N_MAX));
    assert_eq!(frame(&mut r, &f1, subject, m1, false, 10.0), None);
    // Training: new parameters every frame. No coarse picture; the refined one (96², the
    // floor while moving at this cost) finishes despite new models every frame, and is shown.
    let mut shown = None;
    for i in 0..200 {
        let (f, m) = if i % 2 == 0 {
            (&f2, m2)
        } else {
            (
                &f1,
                Model {
                    version: 3 + i,
                    ..m1
                },
            )
        };
        if let Some(n) = frame(&mut r, f, subject, m, true, 1.0) {
            shown = Some((n, i));
            break;
        }
    }
    let (n, i) = shown.expect("a refined picture while training");
    assert_eq!(n, MOVING_MIN);
    // Two chunks a frame (0.5 ms each in 1 ms).
    assert_eq!(
        i as usize,
        chunks(96).div_ceil(2) - 1,
        "one job, never restarted by new parameters"
    );
    // The next picture of the moving model starts at once (the first took longer than the
    // period); 4 chunks per frame finish it in 37 frames, nothing shown in between.
    let mut next = None;
    for j in 0..400 {
        let m = Model {
            version: 500 + j,
            ..m2
        };
        if let Some(n) = frame(&mut r, &f2, subject, m, true, 2.0) {
            next = Some((n, j));
            break;
        }
    }
    assert_eq!(
        next,
        Some((MOVING_MIN, (chunks(96).div_ceil(4) - 1) as u64))
    );
    // With time for a whole picture each frame, a new one still starts only a period after the
    // last one started.
    let t0 = clock();
    let mut shown_at = Vec::new();
    for j in 0..200 {
        let m = Model {
            version: 1000 + j,
            ..m1
        };
        if frame(&mut r, &f1, subject, m, true, 1000.0).is_some() {
            shown_at.push(clock() - t0);
        }
    }
    assert!(shown_at.len() >= 10, "{shown_at:?}");
    for w in shown_at.windows(2) {
        assert!(w[1] - w[0] >= MOVING_PERIOD_MS - 17.0, "{shown_at:?}");
    }
    // A new stage (a new subject) drops the job in progress and starts a coarse one.
    frame(
        &mut r,
        &f1,
        subject,
        Model { version: 99, ..m1 },
        false,
        0.1,
    );
    let other = Subject::new(
        Picture::Density {
            stage: 2.0,
            probes: 0,
        },
        window(),
    );
    let first = frame(&mut r, &f1, other, m1, false, 100.0);
    assert_eq!(r.shown_n(&other), first);
    assert!(
        first.is_some_and(|n| n < 256),
        "{first:?}: coarse after a change of subject"
    );
}

#[test]
fn after_training_pauses_a_heavy_picture_refines_from_128_not_straight_to_256() {
    let _turn = CLOCK_USER.lock().unwrap_or_else(|e| e.into_inner());
    set_clock(0.0);
    let kinds = spline_stack();
    let f1 = flow(&kinds, Direction::Normalizing, 1);
    let f2 = flow(&kinds, Direction::Normalizing, 2);
    let subject = Subject::new(
        Picture::Density {
            stage: 4.0,
            probes: 0,
        },
        window(),
    );
    let mut r = Refiner::new();
    // Training: a coarse first picture, then the moving one (96², this cost's floor).
    let mut shown = None;
    for i in 0..1000 {
        let m = Model {
            version: 10 + i,
            ..Model::of(&f1, 1)
        };
        if let Some(n) = frame(&mut r, &f1, subject, m, true, 2.0) {
            shown = Some(n);
            if n == MOVING_MIN {
                break;
            }
        }
    }
    assert_eq!(shown, Some(MOVING_MIN));
    // Pause: the paused model's pictures come 128², then 256² — the first a quarter of the
    // rest picture's work, so the density at rest shows that much sooner.
    let (sides, first_at, _) = refine_at_rest(&mut r, &f2, subject, Model::of(&f2, 2));
    assert_eq!(sides, [REST_FIRST, 256]);
    assert_eq!(first_at, Some(chunks(128)));
}
