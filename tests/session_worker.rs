//! The worker's message protocol (`session::worker_protocol`) and its training loop
//! (`session::train_job`): a job sent as words, trained on the other side and sent back as a
//! snapshot leaves the page's trainers bit for bit where training them on the page would have;
//! a step limit stops at exactly that step; damaged or foreign messages are refused without
//! effect.

use flow_playground::core::Trainer;
use flow_playground::session::train_job::{run_while, Turns};
use flow_playground::session::worker_protocol::{
    decode_command, decode_reply, encode_hello, encode_ready, encode_snapshot, encode_stop,
    encode_train, Command, Reply, Slot, MAGIC, VERSION,
};
use flow_playground::session::{CompareRun, Session};
use flow_playground::state::Compare;

fn bits(t: &Trainer) -> Vec<u64> {
    t.flow().params().iter().map(|x| x.to_bits()).collect()
}

/// The worker's side: decode a Train command, take `steps` steps, answer with a snapshot.
fn worker_round(words: &[f64], steps: usize) -> Vec<f64> {
    let Command::Train {
        slot,
        generation,
        until,
        mut next,
        turns,
        mut trainers,
    } = decode_command(words).unwrap()
    else {
        panic!("not a Train command")
    };
    let mut refs: Vec<&mut Trainer> = trainers.iter_mut().collect();
    let mut left = steps;
    let r = run_while(
        &mut refs,
        &mut next,
        until,
        turns,
        || 0.0,
        || {
            let go = left > 0;
            left = left.saturating_sub(1);
            go
        },
    );
    let refs: Vec<&Trainer> = trainers.iter().collect();
    encode_snapshot(
        slot,
        generation,
        r.steps as u64,
        r.done,
        &r.diverged,
        &refs,
        next,
    )
}

fn snapshot(words: &[f64]) -> flow_playground::session::worker_protocol::Snapshot {
    match decode_reply(words).unwrap() {
        Reply::Snapshot(s) => s,
        Reply::Hello => panic!("not a snapshot"),
    }
}

#[test]
fn the_main_flow_trained_in_the_worker_equals_training_on_the_page() {
    let mut page = Session::new();
    let mut twin = Session::new();
    page.train_while(|| 0.0, {
        let mut n = 0;
        move || {
            n += 1;
            n <= 30
        }
    });
    twin.train_while(|| 0.0, {
        let mut n = 0;
        move || {
            n += 1;
            n <= 30
        }
    });
    // The page sends its trainer; the worker takes 120 steps and answers.
    let cmd = encode_train(Slot::Main, 7, None, &[page.trainer()], 0, Turns::Steps);
    let snap = snapshot(&worker_round(&cmd, 120));
    assert_eq!(
        (snap.slot, snap.generation, snap.steps),
        (Slot::Main, 7, 120)
    );
    let mut trainer = page.trainer().clone();
    let mut next = 0;
    snap.apply(&mut [&mut trainer], &mut next).unwrap();
    // The twin trains the same 120 steps on the page.
    let mut n = 0;
    twin.train_while(
        || 0.0,
        || {
            n += 1;
            n <= 120
        },
    );
    assert_eq!(bits(&trainer), bits(twin.trainer()));
    assert_eq!(trainer.history(), twin.trainer().history());
    assert_eq!(trainer.step_count(), 150);
}

#[test]
fn the_comparison_trained_in_the_worker_equals_training_on_the_page() {
    let s = Session::new();
    let mut page = CompareRun::new(&s, Compare::Depths).unwrap();
    let mut twin = CompareRun::new(&s, Compare::Depths).unwrap();
    let mut n = 0;
    page.train_while(
        || 0.0,
        || {
            n += 1;
            n <= 4
        },
    );
    let mut n = 0;
    twin.train_while(
        || 0.0,
        || {
            n += 1;
            n <= 4
        },
    );
    let (trainers, next) = page.job();
    assert_eq!(next, 4 % trainers.len());
    let cmd = encode_train(Slot::Compare, 2, None, &trainers, next, Turns::Steps);
    let snap = snapshot(&worker_round(&cmd, 50));
    {
        let (mut ts, next) = page.job_mut();
        snap.apply(&mut ts, next).unwrap();
    }
    let mut n = 0;
    twin.train_while(
        || 0.0,
        || {
            n += 1;
            n <= 50
        },
    );
    let (a, an) = page.job();
    let (b, bn) = twin.job();
    assert_eq!(an, bn);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(bits(x), bits(y));
        assert_eq!(x.step_count(), y.step_count());
    }
}

#[test]
fn a_step_limit_stops_at_that_step() {
    let s = Session::new();
    let cmd = encode_train(Slot::Main, 1, Some(37), &[s.trainer()], 0, Turns::Steps);
    let snap = snapshot(&worker_round(&cmd, 1000));
    assert!(snap.done);
    assert_eq!(snap.steps, 37);
    let mut t = s.trainer().clone();
    snap.apply(&mut [&mut t], &mut 0).unwrap();
    assert_eq!(t.step_count(), 37);
}

#[test]
fn small_commands_and_the_hello_round_trip() {
    for slot in Slot::ALL {
        assert!(matches!(decode_command(&encode_stop(slot)), Ok(Command::Stop(s)) if s == slot));
        assert!(matches!(decode_command(&encode_ready(slot)), Ok(Command::Ready(s)) if s == slot));
    }
    assert_eq!(decode_reply(&encode_hello()), Ok(Reply::Hello));
}

#[test]
fn malformed_messages_are_refused() {
    let s = Session::new();
    let train = encode_train(Slot::Main, 1, None, &[s.trainer()], 0, Turns::Steps);
    for cut in (0..train.len()).step_by(37) {
        assert!(decode_command(&train[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = train.clone();
    longer.push(0.0);
    assert!(decode_command(&longer).is_err(), "words left over");
    let other_version = (VERSION + 1) as f64;
    for (i, bad) in [
        (0, 1.0),
        (1, other_version),
        (2, 99.0),
        (3, 5.0),
        (2, f64::NAN),
    ] {
        let mut w = encode_stop(Slot::Main);
        w[i] = bad;
        assert!(decode_command(&w).is_err());
    }
    // A minibatch beyond the stack's memory budget (the page never sends one).
    use flow_playground::core::{Init, Keep, LayerKind};
    let kinds = vec![LayerKind::Spline(Keep::X); 64];
    let mut h = *s.trainer().hyper();
    h.batch = 8192;
    assert!(h.batch > flow_playground::state::max_batch(&kinds));
    let t = Trainer::new(&kinds, Init::Default, s.trainer().objective().clone(), h, 1).unwrap();
    let over = encode_train(Slot::Main, 1, None, &[&t], 0, Turns::Steps);
    assert!(decode_command(&over).is_err(), "batch over the budget");
    // A job's turn must name one of its trainers.
    let bad_next = encode_train(Slot::Main, 1, None, &[s.trainer()], 1, Turns::Steps);
    assert!(decode_command(&bad_next).is_err());
    assert!(decode_reply(&[]).is_err());
    assert!(decode_reply(&[MAGIC]).is_err());
    assert!(
        decode_command(&encode_hello()).is_err(),
        "a reply is not a command"
    );
}

#[test]
fn a_snapshot_of_another_job_changes_nothing() {
    let s = Session::new();
    let cmp = CompareRun::new(&s, Compare::Depths).unwrap();
    let (trainers, next) = cmp.job();
    let snap = snapshot(&worker_round(
        &encode_train(Slot::Compare, 1, None, &trainers, next, Turns::Steps),
        9,
    ));
    // Applied to the main flow (one trainer, another stack): refused, untouched.
    let mut t = s.trainer().clone();
    let (rev, before) = (t.revision(), bits(&t));
    assert!(snap.apply(&mut [&mut t], &mut 0).is_err());
    // The right number of trainers but damaged states: refused before any is changed.
    let mut damaged = snap.clone();
    let last = damaged.states.len() - 3;
    damaged.states.truncate(last);
    let mut copies: Vec<Trainer> = trainers.iter().map(|t| (*t).clone()).collect();
    let revs: Vec<u64> = copies.iter().map(|t| t.revision()).collect();
    let mut refs: Vec<&mut Trainer> = copies.iter_mut().collect();
    assert!(damaged.apply(&mut refs, &mut 0).is_err());
    assert_eq!(
        copies.iter().map(|t| t.revision()).collect::<Vec<_>>(),
        revs
    );
    assert_eq!((t.revision(), bits(&t)), (rev, before));
}
