//! The embed's control API (`state::embed_msg`): every command parses from the text
//! `JSON.stringify` makes of it; anything else — garbage, near misses, wrong types, unknown
//! names — is not a command; events are valid JSON that reads back.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::Energy;
use flow_playground::state::embed_msg::{
    parse, EmbedCommand, EmbedEvent, OverlayChange, MAX_MESSAGE_LEN,
};
use flow_playground::state::{encode, Config, Lesson};
use proptest::prelude::*;

#[test]
fn every_command_parses() {
    use EmbedCommand::{Overlays, Play, SetStage, Train};
    let cases: Vec<(&str, EmbedCommand)> = vec![
        (r#"{"type":"flow:set-stage","stage":3}"#, SetStage(3.0)),
        (
            r#"{"type":"flow:set-stage","stage":-0.25e1}"#,
            SetStage(-2.5),
        ),
        (r#"{"type":"flow:set-time","t":0.5}"#, SetStage(0.5)),
        (r#"{"type":"flow:play"}"#, Play(true)),
        (r#"{"type":"flow:pause"}"#, Play(false)),
        (r#"{"type":"flow:train"}"#, Train(true)),
        (r#"{"type":"flow:pause-training"}"#, Train(false)),
        (
            r#"{"type":"flow:train","steps":300}"#,
            EmbedCommand::TrainSteps(300),
        ),
        (
            r#"{"type":"flow:train","steps":1e7}"#,
            EmbedCommand::TrainSteps(10_000_000),
        ),
        (
            r#"{"type":"flow:set-lesson","lesson":"fig3-u2"}"#,
            EmbedCommand::Lesson(Lesson::Figure3(Energy::U2)),
        ),
        (
            r#"{"type":"flow:set-lesson","lesson":"one-layer"}"#,
            EmbedCommand::Lesson(Lesson::OneLayer),
        ),
        (
            r#"{"type":"flow:overlays","grid":false,"volume":true}"#,
            Overlays(OverlayChange {
                grid: Some(false),
                volume: Some(true),
                ..OverlayChange::default()
            }),
        ),
        // An authored lesson's steps (the message counts from 1).
        (r#"{"type":"flow:next-step"}"#, EmbedCommand::Step(1)),
        (r#"{"type":"flow:prev-step"}"#, EmbedCommand::Step(-1)),
        (
            r#"{"type":"flow:go-step","step":3}"#,
            EmbedCommand::GoStep(2),
        ),
        // Whitespace, member order and extra members do not matter.
        (
            " { \"stage\" : 1.5 , \"from\" : \"article\", \"type\" : \"flow:set-stage\" } ",
            SetStage(1.5),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(parse(text), Some(want), "{text}");
    }
}

#[test]
fn load_takes_a_fragment_or_a_whole_link() {
    let frag = encode(&Config::default());
    assert!(frag.starts_with("v=1&"), "{frag}");
    for cfg in [
        frag.clone(),
        format!("#{frag}"),
        format!("https://example.org/flow/#{frag}"),
    ] {
        let text = format!(
            "{{\"type\":\"flow:load\",\"config\":{}}}",
            json_string(&cfg)
        );
        assert_eq!(parse(&text), Some(EmbedCommand::Load(cfg.clone())), "{cfg}");
    }
}

#[test]
fn near_misses_are_not_commands() {
    for text in [
        "",
        "null",
        "42",
        "\"flow:play\"",
        "[\"flow:play\"]",
        "{}",
        "{\"type\":null}",
        "{\"type\":7}",
        "{\"type\":\"play\"}",
        "{\"type\":\"FLOW:PLAY\"}",
        "{\"type\":\"flow:play \"}",
        "{\"type\":\"flow:explode\"}",
        "{\"type\":\"flow:play\"",
        "{\"type\":\"flow:play\"} trailing",
        "{\"type\":\"flow:play\"}{\"type\":\"flow:play\"}",
        "{\"type\":\"flow:set-stage\"}",
        "{\"type\":\"flow:set-stage\",\"stage\":\"2\"}",
        "{\"type\":\"flow:set-stage\",\"stage\":null}",
        "{\"type\":\"flow:set-stage\",\"stage\":1e999}",
        "{\"type\":\"flow:set-stage\",\"stage\":[1]}",
        "{\"type\":\"flow:set-time\",\"stage\":0.5}",
        "{\"type\":\"flow:set-time\",\"t\":null}",
        "{\"type\":\"flow:set-lesson\"}",
        "{\"type\":\"flow:set-lesson\",\"lesson\":\"fig3-u9\"}",
        "{\"type\":\"flow:set-lesson\",\"lesson\":3}",
        "{\"type\":\"flow:load\"}",
        "{\"type\":\"flow:load\",\"config\":\"\"}",
        "{\"type\":\"flow:load\",\"config\":\"mode=u1&K=4\"}",
        "{\"type\":\"flow:load\",\"config\":\"v=2&mode=u1\"}",
        "{\"type\":\"flow:load\",\"config\":{\"v\":1}}",
        "{\"type\":\"flow:overlays\"}",
        "{\"type\":\"flow:go-step\"}",
        "{\"type\":\"flow:go-step\",\"step\":0}",
        "{\"type\":\"flow:go-step\",\"step\":1.5}",
        "{\"type\":\"flow:go-step\",\"step\":\"2\"}",
        "{\"type\":\"flow:overlays\",\"colour\":true}",
        "{\"type\":\"flow:overlays\",\"grid\":1}",
        "{\"type\":\"flow:overlays\",\"grid\":true,\"data\":\"yes\"}",
    ] {
        assert_eq!(parse(text), None, "{text:?} parsed as a command");
    }
}

#[test]
fn deep_or_huge_messages_are_refused_without_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(parse(&deep), None);
    let deep_obj = format!(
        "{{\"type\":\"flow:play\",\"x\":{}{}}}",
        "{\"a\":".repeat(5000),
        "1".to_string() + &"}".repeat(5000)
    );
    assert_eq!(parse(&deep_obj), None);
    let huge = format!(
        "{{\"type\":\"flow:play\",\"pad\":\"{}\"}}",
        "x".repeat(MAX_MESSAGE_LEN)
    );
    assert_eq!(parse(&huge), None);
}

#[test]
fn events_are_json_objects_with_a_type() {
    let events = [
        EmbedEvent::Ready {
            stage: 16.0,
            k: 16,
            lesson: None,
        },
        EmbedEvent::Ready {
            stage: 2.5,
            k: 32,
            lesson: Some(Lesson::Figure3(Energy::U1)),
        },
        EmbedEvent::Stage { stage: 0.75, k: 4 },
        EmbedEvent::Step {
            step: 1200,
            loss: Some(2.4125),
            training: true,
        },
        EmbedEvent::Step {
            step: 0,
            loss: None,
            training: false,
        },
        EmbedEvent::Step {
            step: 3,
            loss: Some(f64::NAN),
            training: true,
        },
        EmbedEvent::Lesson(Some(Lesson::PlanarVsRadial)),
        EmbedEvent::Lesson(None),
    ];
    let want = [
        r#"{"type":"flow:ready","version":1,"stage":16,"k":16,"lesson":null}"#,
        r#"{"type":"flow:ready","version":1,"stage":2.5,"k":32,"lesson":"fig3-u1"}"#,
        r#"{"type":"flow:stage","stage":0.75,"k":4}"#,
        r#"{"type":"flow:step","step":1200,"loss":2.4125,"training":true}"#,
        r#"{"type":"flow:step","step":0,"loss":null,"training":false}"#,
        r#"{"type":"flow:step","step":3,"loss":null,"training":true}"#,
        r#"{"type":"flow:lesson","lesson":"planar-vs-radial"}"#,
        r#"{"type":"flow:lesson","lesson":null}"#,
    ];
    for (e, w) in events.iter().zip(want) {
        assert_eq!(e.to_json(), w);
        // No event is mistaken for a command (a page echoing one back changes nothing).
        assert_eq!(parse(w), None, "{w}");
    }
}

/// A JSON string literal (test helper, independent of the crate's writer).
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary text never panics, and is a command only if it names one.
    #[test]
    fn garbage_is_never_a_command(text in "\\PC{0,200}") {
        if let Some(c) = parse(&text) {
            prop_assert!(text.contains("\"flow:"), "{text:?} -> {c:?}");
        }
    }

    /// Garbage made of JSON's own characters (the likeliest to confuse a parser).
    #[test]
    fn json_shaped_garbage_never_panics(text in "[{}\\[\\]\":,0-9a-z .eE+-]{0,120}") {
        let _ = parse(&text);
    }

    /// Any finite stage number round-trips exactly through its JSON text.
    #[test]
    fn any_finite_stage_parses(stage in -1e6f64..1e6f64) {
        let text = format!("{{\"type\":\"flow:set-stage\",\"stage\":{stage}}}");
        prop_assert_eq!(parse(&text), Some(EmbedCommand::SetStage(stage)));
    }

    /// Valid commands with a corrupted byte are either still a command or nothing — never a
    /// panic.
    #[test]
    fn corrupted_commands_never_panic(i in 0usize..60, b in 0u8..128) {
        let base = r#"{"type":"flow:overlays","grid":true,"particles":false}"#;
        let mut bytes = base.as_bytes().to_vec();
        let at = i % bytes.len();
        bytes[at] = b;
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = parse(&text);
        }
    }
}

#[test]
fn a_step_count_must_be_a_whole_number_in_range() {
    for bad in ["0", "-5", "2.5", "1e8", "\"300\"", "null", "true"] {
        let text = format!("{{\"type\":\"flow:train\",\"steps\":{bad}}}");
        assert_eq!(parse(&text), None, "{text}");
    }
}

#[test]
fn points_and_model_requests_parse() {
    assert_eq!(
        parse(r#"{"type":"flow:set-points","points":[[0.5,-1],[1e4,-1e4],[0,2.25e-3]]}"#),
        Some(EmbedCommand::SetPoints(vec![
            [0.5, -1.0],
            [1e4, -1e4],
            [0.0, 2.25e-3]
        ]))
    );
    // No points: the data is cleared (the app then says it cannot train).
    assert_eq!(
        parse(r#"{"type":"flow:set-points","points":[]}"#),
        Some(EmbedCommand::SetPoints(vec![]))
    );
    assert_eq!(
        parse(r#"{"type":"flow:get-model","id":3}"#),
        Some(EmbedCommand::GetModel)
    );
    // The most points a link holds, each written in full, fit in one message.
    let n = flow_playground::state::config::MAX_POINTS;
    let pts: Vec<[f64; 2]> = (0..n)
        .map(|i| [-1234.567890123456 + i as f64 * 0.1, 0.1 + 1e-13 * i as f64])
        .collect();
    let body: Vec<String> = pts.iter().map(|p| format!("[{},{}]", p[0], p[1])).collect();
    let text = format!(
        "{{\"type\":\"flow:set-points\",\"points\":[{}]}}",
        body.join(",")
    );
    assert!(text.len() <= MAX_MESSAGE_LEN, "{}", text.len());
    assert_eq!(parse(&text), Some(EmbedCommand::SetPoints(pts)));
}

#[test]
fn bad_points_refuse_the_whole_message() {
    let n = flow_playground::state::config::MAX_POINTS;
    let too_many = format!(
        "{{\"type\":\"flow:set-points\",\"points\":[{}]}}",
        vec!["[0,0]"; n + 1].join(",")
    );
    assert_eq!(parse(&too_many), None, "more than MAX_POINTS");
    for bad in [
        "null",
        "{}",
        "\"[[0,0]]\"",
        "[[0,0],null]",
        "[[0,null]]",  // NaN, as JSON.stringify writes it
        "[[0,1e999]]", // overflows to infinity
        "[[0,-1e999]]",
        "[[10000.5,0]]", // beyond the coordinate limit
        "[[0,-1e300]]",
        "[[0]]",
        "[[0,1,2]]",
        "[[\"0.5\",1]]",
        "[[true,1]]",
        "[{\"x\":0,\"y\":1}]",
        "[0,1]",
    ] {
        let text = format!("{{\"type\":\"flow:set-points\",\"points\":{bad}}}");
        assert_eq!(parse(&text), None, "{text}");
    }
    assert_eq!(parse(r#"{"type":"flow:set-points"}"#), None);
}

#[test]
fn the_model_event_carries_json_link_and_points() {
    let e = EmbedEvent::Model {
        json: Some("{\n  \"K\": 1, \"raw\": [\"a\\\"b\"]\n}".into()),
        link: Some("https://example.org/#v=1&K=1".into()),
        points: vec![[0.5, -1.0], [0.1, 1e-7]],
    };
    assert_eq!(
        e.to_json(),
        "{\"type\":\"flow:model\",\"json\":\"{\\n  \\\"K\\\": 1, \\\"raw\\\": [\\\"a\\\\\\\"b\\\"]\\n}\",\"link\":\"https://example.org/#v=1&K=1\",\"points\":[\n  [0.5, -1],\n  [0.1, 0.0000001]\n]}"
    );
    let none = EmbedEvent::Model {
        json: None,
        link: None,
        points: vec![],
    };
    assert_eq!(
        none.to_json(),
        r#"{"type":"flow:model","json":null,"link":null,"points":[]}"#
    );
    assert_eq!(parse(&none.to_json()), None, "an event is not a command");
}
