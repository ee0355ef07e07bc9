//! The video recorder's schedule: the layer animation's stages are the GIF's, a video's frames
//! keep the frame rate's times from a frame loop that ticks at 60 Hz (and when it stutters),
//! PNG frames come one per drawn frame, a training run ends by time or by steps, and the user's
//! settings are checked with clear messages.

use flow_playground::session::gif_plan::frames_per_layer;
use flow_playground::session::video_plan::{parse_fps, parse_until, Until, VideoFormat, VideoPlan};

/// Runs a plan on a frame loop ticking every `tick` ms (plus `jitter(i)`); returns the times of
/// the captured frames, the stages they showed, and when it finished.
fn run(
    plan: &mut VideoPlan,
    first_stage: f64,
    tick: f64,
    jitter: impl Fn(usize) -> f64,
) -> (Vec<f64>, Vec<f64>, f64) {
    let (mut times, mut stages) = (Vec::new(), Vec::new());
    let mut stage = first_stage;
    for i in 0..100_000 {
        let now = 1000.0 + i as f64 * tick + jitter(i);
        let s = plan.after_frame(now, false, 0);
        if let Some(j) = s.capture {
            assert_eq!(j, times.len());
            times.push(now);
            stages.push(stage);
        }
        if let Some(st) = s.set_stage {
            stage = st;
        }
        if s.finished {
            return (times, stages, now);
        }
    }
    panic!("never finished");
}

#[test]
fn the_layer_video_shows_the_gifs_stages_at_the_frame_rate() {
    for k in [1usize, 3, 16, 64] {
        for fps in [10u32, 15, 24, 30, 60] {
            let (mut plan, first) = VideoPlan::layers(k, 2.5, fps, VideoFormat::WebM);
            let per = frames_per_layer(k);
            let n = per * k + 1;
            assert_eq!(plan.planned_frames(), Some(n));
            let (times, stages, end) = run(&mut plan, first, 1000.0 / 60.0, |_| 0.0);
            assert_eq!(times.len(), n, "k {k} fps {fps}");
            for (i, s) in stages.iter().enumerate() {
                assert_eq!(*s, i as f64 / per as f64);
            }
            // Each frame within half a tick of its time (the nearest 60 Hz frame).
            let period = 1000.0 / fps as f64;
            for (i, t) in times.iter().enumerate() {
                let want = times[0] + i as f64 * period;
                assert!(
                    (t - want).abs() <= 8.4,
                    "k {k} fps {fps} frame {i}: {t} vs {want}"
                );
            }
            // It ends once the last frame has had its time: n frames, n / fps seconds.
            let len = end - times[0];
            assert!((len - n as f64 * period).abs() <= 8.4, "{len}");
            assert!((plan.planned_seconds().unwrap() - n as f64 / fps as f64).abs() < 1e-12);
            assert_eq!(plan.progress(end, 0), 1.0);
        }
    }
}

#[test]
fn the_last_frame_restores_the_stage_shown_before() {
    let (mut plan, first) = VideoPlan::layers(2, 1.25, 30, VideoFormat::WebM);
    assert_eq!(first, 0.0);
    let mut last_set = None;
    for i in 0..1000 {
        let s = plan.after_frame(i as f64 * 16.7, false, 0);
        if s.set_stage.is_some() {
            last_set = s.set_stage;
        }
        if s.finished {
            break;
        }
    }
    assert_eq!(last_set, Some(1.25));
}

#[test]
fn a_stuttering_loop_still_gives_every_frame_in_order() {
    // Frames of 16.7 ms with a 45 ms stall every 7th: no frame is lost or repeated.
    let (mut plan, first) = VideoPlan::layers(16, 16.0, 30, VideoFormat::WebM);
    let (times, stages, _) = run(&mut plan, first, 1000.0 / 60.0, |i| (i / 7) as f64 * 45.0);
    assert_eq!(times.len(), 65);
    assert!(stages.windows(2).all(|w| w[1] > w[0]));
    assert!(times.windows(2).all(|w| w[1] > w[0]));
}

#[test]
fn png_frames_come_one_per_drawn_frame() {
    let (mut plan, first) = VideoPlan::layers(16, 16.0, 15, VideoFormat::Zip);
    let (times, stages, end) = run(&mut plan, first, 16.0, |_| 0.0);
    assert_eq!(times.len(), 65);
    assert_eq!(stages[0], 0.0);
    assert_eq!(*stages.last().unwrap(), 16.0);
    // One per tick: 65 ticks, not 65 / 15 s.
    assert!(end - times[0] <= 64.0 * 16.0 + 1e-9);
}

#[test]
fn training_by_seconds_and_by_steps() {
    // 8 s at 15 fps: 120 frames over 8 s, then training stops (the recording started it).
    let mut plan = VideoPlan::training(Until::Seconds(8.0), 100, true, 15, VideoFormat::Zip);
    assert_eq!(plan.planned_frames(), Some(120));
    let mut n = 0;
    let mut stopped = false;
    for i in 0..10_000 {
        let now = i as f64 * 1000.0 / 60.0;
        let s = plan.after_frame(now, true, 100 + i);
        n += usize::from(s.capture.is_some());
        if s.finished {
            stopped = s.stop_training;
            assert!((now - 8000.0).abs() <= 17.0, "{now}");
            break;
        }
    }
    assert_eq!(n, 120);
    assert!(stopped);
    // 300 steps at 5 steps a frame: ends at step 400; it did not start training, so leaves it.
    let mut plan = VideoPlan::training(Until::Steps(300), 100, false, 30, VideoFormat::WebM);
    assert_eq!(plan.planned_frames(), None);
    for i in 0..10_000u64 {
        let step = 100 + 5 * i;
        let s = plan.after_frame(i as f64 * 16.7, true, step);
        if s.finished {
            assert_eq!(step, 400);
            assert!(!s.stop_training);
            break;
        }
        assert!((plan.progress(0.0, step) - (step - 100) as f64 / 300.0).abs() < 1e-12);
    }
    // Training paused by hand ends the recording, keeping what was recorded.
    let mut plan = VideoPlan::training(Until::Seconds(8.0), 0, false, 30, VideoFormat::WebM);
    assert!(plan.after_frame(0.0, true, 0).capture.is_some());
    let s = plan.after_frame(40.0, false, 3);
    assert!(s.finished);
    assert_eq!(plan.captured(), 1);
}

#[test]
fn settings_are_checked_with_clear_messages() {
    assert_eq!(parse_until("8", "seconds"), Ok(Until::Seconds(8.0)));
    assert_eq!(parse_until(" 2.5 ", "seconds"), Ok(Until::Seconds(2.5)));
    assert_eq!(parse_until("500", "steps"), Ok(Until::Steps(500)));
    for (a, u) in [
        ("0", "seconds"),
        ("-3", "seconds"),
        ("NaN", "seconds"),
        ("inf", "seconds"),
        ("601", "seconds"),
        ("", "seconds"),
        ("1.5", "steps"),
        ("0", "steps"),
        ("abc", "steps"),
        ("99999999999", "steps"),
    ] {
        let e = parse_until(a, u).unwrap_err();
        assert!(e.contains("give"), "{e}");
    }
    assert_eq!(parse_fps("30"), Ok(30));
    assert!(parse_fps("29").is_err());
    assert!(parse_fps("x").is_err());
}

#[test]
fn names() {
    assert_eq!(
        VideoPlan::layers(16, 0.0, 15, VideoFormat::WebM)
            .0
            .file_name(),
        "flow-layers-k16.webm"
    );
    assert_eq!(
        VideoPlan::layers(16, 0.0, 15, VideoFormat::Zip)
            .0
            .file_name(),
        "flow-layers-k16-frames.zip"
    );
    for f in [VideoFormat::WebM, VideoFormat::Mp4, VideoFormat::Zip] {
        assert_eq!(VideoFormat::from_key(f.key()), Some(f));
    }
    assert_eq!(VideoFormat::from_key("avi"), None);
    assert_eq!(
        VideoPlan::training(Until::Steps(5), 0, false, 15, VideoFormat::Mp4).file_name(),
        "flow-training.mp4"
    );
    assert_eq!(VideoPlan::frame_name(7), "frame-00007.png");
}
