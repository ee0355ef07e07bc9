//! The lesson "Why flow matching replaced ML through the ODE": its comparison trains the same
//! MLP field by flow matching and by maximum likelihood through the ODE, sharing wall time
//! (`Turns::Seconds`), not steps; what it sets up travels to the worker and back intact.

use flow_playground::core::words::{Reader, Writer};
use flow_playground::core::{ImageLimits, LrSchedule, Trainer};
use flow_playground::session::train_job::{run_while, Turns};
use flow_playground::session::{CompareRun, Session};
use flow_playground::state::{Compare, Lesson};

fn lesson_session() -> Session {
    let mut s = Session::new();
    s.apply_config(&Lesson::FmVsMl.config()).unwrap();
    s
}

#[test]
fn the_lesson_sets_up_the_two_trainings_of_one_field() {
    let s = lesson_session();
    // Flow matching's reference setting: Adam 1e-3 at a constant rate.
    assert!(s.trainer().flow_matching());
    assert_eq!(s.trainer().hyper().lr, 1e-3);
    assert_eq!(s.trainer().hyper().schedule, LrSchedule::Constant);
    let run = CompareRun::new(&s, Compare::FmVsMl).unwrap();
    assert_eq!(run.turns(), Turns::Seconds);
    let e = run.entries();
    assert_eq!(e[0].label, "flow matching");
    assert_eq!(e[1].label, "ML through the ODE");
    assert_eq!(e[0].trainer.flow().kinds(), e[1].trainer.flow().kinds());
    // The same initial field, trained two ways.
    assert_eq!(e[0].trainer.flow().params(), e[1].trainer.flow().params());
    assert!(e[0].trainer.flow_matching() && !e[0].trainer.through_ode());
    assert!(!e[1].trainer.flow_matching() && e[1].trainer.through_ode());
    assert!(e[1].trainer.hyper().eval_every <= 5);
}

#[test]
fn through_the_ode_the_loss_is_the_nll_and_by_flow_matching_a_regression() {
    let s = lesson_session();
    let mut run = CompareRun::new(&s, Compare::FmVsMl).unwrap();
    let mut n = 0;
    // Equal time per step (a clock that moves half a second per reading): one step each.
    let mut t = 0.0;
    run.train_while(
        || {
            t += 0.5;
            t
        },
        || {
            n += 1;
            n <= 2
        },
    );
    let e = run.entries();
    let fm = e[0].trainer.history()[0].loss;
    let ml = e[1].trainer.history()[0].loss;
    // The NLL of a minibatch under the initial field: the base Gaussian's ~2.8 nats on the
    // moons' scale, give or take the barely moving field; the regression loss of flow matching
    // at init is E‖x₁ − x₀‖² ≈ 2 + 2·Var(moons) ≈ 4.4 — a different quantity.
    assert!((2.0..6.0).contains(&ml), "ML loss {ml}");
    assert!((fm - ml).abs() > 0.3, "fm {fm} ml {ml}");
}

#[test]
fn equal_seconds_not_equal_steps() {
    let s = lesson_session();
    let t0 = Trainer::clone(s.trainer());
    let mut a = t0.clone();
    let mut b = t0.clone();
    // `a` has already spent 5 s; every step costs 1 s by this clock.
    a.add_seconds(5.0);
    let mut clock = 0.0;
    let mut next = 0;
    let mut left = 9;
    run_while(
        &mut [&mut a, &mut b],
        &mut next,
        None,
        Turns::Seconds,
        || {
            clock += 1.0;
            clock
        },
        || {
            left -= 1;
            left >= 0
        },
    );
    // b catches up (5 steps), then they alternate: 2 more each.
    assert_eq!((a.step_count(), b.step_count()), (2, 7));
    assert_eq!((a.seconds(), b.seconds()), (7.0, 7.0));
    // The same clock with equal steps: one each in turn, whatever the time.
    let mut c = t0.clone();
    let mut d = t0.clone();
    c.add_seconds(5.0);
    let mut left = 9;
    let mut next = 0;
    run_while(
        &mut [&mut c, &mut d],
        &mut next,
        None,
        Turns::Steps,
        || 0.0,
        || {
            left -= 1;
            left >= 0
        },
    );
    assert_eq!((c.step_count(), d.step_count()), (5, 4));
}

#[test]
fn the_training_method_and_the_time_spent_travel_in_the_image() {
    let s = lesson_session();
    let mut run = CompareRun::new(&s, Compare::FmVsMl).unwrap();
    let mut n = 0;
    run.train_while(
        || 1.0,
        || {
            n += 1;
            n <= 2
        },
    );
    let ml = &run.entries()[1].trainer;
    let mut t = ml.clone();
    t.add_seconds(3.25);
    let mut w = Writer::new();
    t.write_image(&mut w);
    let words = w.finish();
    let limits = ImageLimits {
        layers: 64,
        points: 100_000,
    };
    let back = Trainer::from_image(&mut Reader::new(&words), limits).unwrap();
    assert!(back.through_ode() && !back.flow_matching());
    assert_eq!(back.seconds(), 3.25);
    // Both continue with the same step (ML through the ODE, not flow matching).
    let (mut x, mut y) = (t, back);
    x.run_steps(1);
    y.run_steps(1);
    assert_eq!(x.flow().params(), y.flow().params());
    assert_eq!(x.history(), y.history());
}
