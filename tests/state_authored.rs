//! Authored lessons: the file and the link carry every step exactly; damaged, foreign and
//! oversized lessons are refused with a plain message.

use flow_playground::state::authored::{AuthoredLesson, LessonStep, StepAction, MAX_STEPS};
use flow_playground::state::{decode, encode, Config, Lesson};

fn lesson() -> AuthoredLesson {
    let base = encode(&Config::default());
    AuthoredLesson {
        title: "Planar flows, \"step\" by step — ünïcode ok".into(),
        steps: vec![
            LessonStep {
                state: base.clone(),
                caption: "The base density N(0, I).\nNext: *one* layer f(z) = z + u·h(wᵀz + b)."
                    .into(),
                action: StepAction::None,
            },
            LessonStep {
                state: "v=1&mode=moons&K=1&layers=p&stage=0".into(),
                caption: "One planar layer".into(),
                action: StepAction::Play,
            },
            LessonStep {
                state: base,
                caption: String::new(),
                action: StepAction::Train(500),
            },
            LessonStep {
                state: "v=1&mode=u1".into(),
                caption: "Stage 2.5".into(),
                action: StepAction::Stage(2.5),
            },
        ],
    }
}

#[test]
fn file_and_link_round_trip_exactly() {
    let l = lesson();
    assert_eq!(AuthoredLesson::from_json(&l.to_json()).unwrap(), l);
    let f = l.to_fragment().unwrap();
    assert!(f.starts_with("authored="));
    assert!(
        f.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"=-_".contains(&b)),
        "{f}"
    );
    assert_eq!(AuthoredLesson::from_fragment(&f).unwrap().unwrap(), l);
    // Each step's state is an ordinary link.
    for s in &l.steps {
        let (_, warnings) = decode(&s.state);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
    // Flags after the lesson: embed mode.
    let embedded = format!("{f}&embed=1");
    assert!(AuthoredLesson::embedded(&embedded) && !AuthoredLesson::embedded(&f));
    match AuthoredLesson::read_fragment(&embedded) {
        Some(flow_playground::state::authored::LessonLink::Plain(Ok(back))) => assert_eq!(back, l),
        other => panic!("{other:?}"),
    }
    // Not a lesson link: None, so the app reads it as a state.
    assert!(AuthoredLesson::from_fragment("v=1&mode=moons").is_none());
}

#[test]
fn actions_read_back_and_bad_ones_are_refused() {
    for a in [
        StepAction::None,
        StepAction::Play,
        StepAction::Train(1),
        StepAction::Stage(0.25),
        StepAction::Start,
        StepAction::Reach(2.52),
        StepAction::Reach(-1.8775),
        StepAction::Probe(1.5, -0.25),
    ] {
        assert_eq!(StepAction::parse(&a.text()), Some(a));
    }
    for bad in [
        "dance",
        "train:0",
        "train:-3",
        "train:1e9",
        "stage:NaN",
        "stage:99",
        "train:",
        "reach:",
        "reach:inf",
        "reach:1e9",
        "start:1",
        "probe:1",
        "probe:1,",
        "probe:1,1e9",
        "probe:x,y",
    ] {
        assert_eq!(StepAction::parse(bad), None, "{bad}");
    }
}

#[test]
fn damaged_foreign_and_oversized_lessons_say_why() {
    let bad = [
        ("{", "not JSON"),
        (r#"{"format":"flow-playground-model"}"#, "not a lesson file"),
        (
            r#"{"format":"flow-playground-lesson"}"#,
            "list of \"steps\"",
        ),
        (
            r#"{"format":"flow-playground-lesson","steps":[{"caption":"x"}]}"#,
            "step 1 has no \"state\"",
        ),
        (
            r#"{"format":"flow-playground-lesson","steps":[{"state":"v=1","action":"fly"}]}"#,
            "unknown action",
        ),
    ];
    for (text, why) in bad {
        let e = AuthoredLesson::from_json(text).unwrap_err();
        assert!(e.contains(why), "{text}: {e}");
    }
    let many = format!(
        r#"{{"format":"flow-playground-lesson","steps":[{}]}}"#,
        vec![r#"{"state":"v=1"}"#; MAX_STEPS + 1].join(",")
    );
    assert!(AuthoredLesson::from_json(&many)
        .unwrap_err()
        .contains("at most"));
    assert!(AuthoredLesson::from_fragment("authored=%%%")
        .unwrap()
        .is_err());
    // Too long for a link: a clear message that names the file.
    let mut big = lesson();
    big.steps[0].caption = "x".repeat(1990);
    big.steps = vec![big.steps[0].clone(); MAX_STEPS];
    let e = big.to_fragment().unwrap_err();
    assert!(e.contains("save it as a file"), "{e}");
    // Over-long captions and titles are cut, not refused.
    let long = format!(
        r#"{{"format":"flow-playground-lesson","title":"{}","steps":[{{"state":"v=1","caption":"{}"}}]}}"#,
        "t".repeat(500),
        "c".repeat(5000)
    );
    let l = AuthoredLesson::from_json(&long).unwrap();
    assert_eq!((l.title.len(), l.steps[0].caption.len()), (120, 2000));
}

#[test]
fn every_builtin_lesson_is_a_lesson_of_this_format() {
    let all = AuthoredLesson::builtin("All", &Lesson::ALL);
    assert_eq!(all.steps.len(), Lesson::ALL.len());
    let back = AuthoredLesson::from_json(&all.to_json()).unwrap();
    assert_eq!(back, all);
    for (l, step) in Lesson::ALL.iter().zip(&back.steps) {
        // The step's state sets the lesson up exactly as its button does.
        let (cfg, warnings) = decode(&step.state);
        assert!(warnings.is_empty(), "{}: {warnings:?}", l.slug());
        assert_eq!(encode(&cfg), encode(&l.config()), "{}", l.slug());
        assert_eq!(cfg.lesson, Some(*l));
        assert_eq!(step.caption, l.caption());
        assert_eq!(step.action, StepAction::Start);
    }
    // The whole set still fits in a link.
    assert!(all.to_fragment().is_ok());
}
