#![cfg(not(target_arch = "wasm32"))]
//! Points import/export (CSV and JSON) and model import/export: exact line numbers for bad
//! rows, rejection of files that are not data, exact round trips, append-or-replace, and no
//! panic on arbitrary input.

use flow_playground::core::{init_params, Direction, Init, LayerKind};
use flow_playground::state::{
    merge_points, model_from_json, model_to_json, parse_points, parse_points_csv,
    parse_points_json, points_to_csv, points_to_json, ImportError, ImportMode, LineError,
    MAX_IMPORT_BYTES, MAX_POINTS,
};
use proptest::prelude::*;

fn lines(errors: &[LineError]) -> Vec<usize> {
    errors.iter().map(|e| e.line).collect()
}

// ---------------------------------------------------------------- CSV

#[test]
fn csv_with_header_comments_blanks_and_bad_rows() {
    let text = "\
# my drawing
x,y
1,2

-0.5, 3.25
abc,1
# a comment
4
5,6,ignored-label
7,nan
8,1e9
\"9\",\"10\"
";
    let (points, errors) = parse_points_csv(text).unwrap();
    assert_eq!(
        points,
        vec![[1.0, 2.0], [-0.5, 3.25], [5.0, 6.0], [9.0, 10.0]]
    );
    assert_eq!(lines(&errors), vec![6, 8, 10, 11]);
    assert_eq!(errors[0].message, "x value 'abc' is not a number");
    assert_eq!(errors[1].message, "expected x and y, found 1 value");
    assert_eq!(errors[2].message, "y value 'nan' is not a number");
    assert_eq!(errors[3].message, "y = 1000000000 is beyond ±10000");
    assert_eq!(
        errors[0].to_string(),
        "line 6: x value 'abc' is not a number"
    );
}

#[test]
fn csv_separators_and_line_ends() {
    let want = vec![[1.5, 2.0], [3.0, -4.0]];
    for text in [
        "1.5,2\n3,-4\n",
        "1.5;2\r\n3;-4\r\n",
        "1,5;2\n3;-4",
        "1.5\t2\n3\t-4",
        "  1.5   2 \n 3 -4 ",
        "1.5,2\r3,-4\r",
        "\u{feff}x;y\n1,5;2\n3;-4\n",
    ] {
        let (points, errors) = parse_points_csv(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(points, want, "{text:?}");
        assert!(errors.is_empty(), "{text:?}: {errors:?}");
    }
}

#[test]
fn csv_header_names_pick_the_columns() {
    let (points, errors) = parse_points_csv("id,y,x\n0,2,1\n1,4,3\n").unwrap();
    assert_eq!(points, vec![[1.0, 2.0], [3.0, 4.0]]);
    assert!(errors.is_empty());
    // A header is only recognised on the first row; later text rows are errors.
    let (points, errors) = parse_points_csv("1,2\nx,y\n3,4").unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(lines(&errors), vec![2]);
}

#[test]
fn files_that_are_not_data_are_rejected_clearly() {
    let prose = "Dear diary,\nToday I drew some points.\nThey were lovely.\n";
    let e = parse_points_csv(prose).unwrap_err();
    assert!(
        matches!(&e, ImportError::NoPoints { first_problem: Some(p) } if p.line == 2),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("No valid points found"), "{e}");

    let png = String::from_utf8_lossy(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0").into_owned();
    assert_eq!(parse_points(&png).unwrap_err(), ImportError::Binary);
    assert!(ImportError::Binary.to_string().contains("not a text file"));

    assert_eq!(parse_points("").unwrap_err(), ImportError::Empty);
    assert_eq!(parse_points(" \n\t\n").unwrap_err(), ImportError::Empty);
    assert_eq!(
        parse_points("# only a comment\nx,y\n").unwrap_err(),
        ImportError::NoPoints {
            first_problem: None
        }
    );

    let huge = "1,2\n".repeat(MAX_IMPORT_BYTES / 4 + 1);
    assert!(matches!(
        parse_points(&huge),
        Err(ImportError::TooLarge { .. })
    ));

    let e = parse_points("{\"name\": \"not points\"}").unwrap_err();
    assert_eq!(
        e,
        ImportError::NoPoints {
            first_problem: None
        }
    );
    let e = parse_points("[1, 2, 3]").unwrap_err();
    assert!(
        matches!(&e, ImportError::NoPoints { first_problem: Some(p) } if p.message.starts_with("element 0")),
        "{e:?}"
    );
    let e = parse_points("[[1, 2], oops").unwrap();
    assert_eq!(e.0, vec![[1.0, 2.0]]);
    let e = parse_points("{\"points\": [[1, 2}").unwrap_err();
    assert!(
        matches!(
            e,
            ImportError::BadJson {
                line: 1,
                column: 18,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("Not valid JSON: line 1, column 18"),
        "{e}"
    );
}

#[test]
fn csv_point_cap_is_reported_at_the_right_line() {
    let mut text = String::from("x,y\n");
    for i in 0..MAX_POINTS + 10 {
        text.push_str(&format!("{i}e-4,1\n"));
    }
    let (points, errors) = parse_points_csv(&text).unwrap();
    assert_eq!(points.len(), MAX_POINTS);
    assert_eq!(lines(&errors), vec![MAX_POINTS + 2]);
}

#[test]
fn many_bad_rows_are_summarised() {
    let text = format!("1,2\n{}", "bad\n".repeat(500));
    let (_, errors) = parse_points_csv(&text).unwrap();
    assert_eq!(errors.len(), 51);
    assert_eq!(errors[0].line, 2);
    assert_eq!(errors[50].message, "… and 450 more rows skipped");
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_shapes() {
    let want = vec![[1.0, 2.0], [3.5, -4.0]];
    for text in [
        "[[1, 2], [3.5, -4]]",
        "[{\"x\": 1, \"y\": 2}, {\"y\": -4, \"x\": 3.5, \"label\": \"b\"}]",
        "{\"name\": \"mine\", \"points\": [[1, 2], {\"x\": \"3.5\", \"y\": -4}], \"more\": 1}",
        "  \u{feff}[[1, 2, 0], [3.5, -4]]",
    ] {
        let (points, errors) = parse_points_json(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(points, want, "{text}");
        assert!(errors.is_empty(), "{text}: {errors:?}");
    }
}

#[test]
fn json_bad_elements_have_line_and_index() {
    let text = "[\n  [1, 2],\n  [1],\n  {\"x\": 1},\n  \"hello\",\n  [true, 2],\n  [1e999, 0],\n  [3, 4]\n]";
    let (points, errors) = parse_points_json(text).unwrap();
    assert_eq!(points, vec![[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(lines(&errors), vec![3, 4, 5, 6, 7]);
    assert_eq!(
        errors[0].message,
        "element 1: expected [x, y], found 1 number(s)"
    );
    assert_eq!(
        errors[1].message,
        "element 2: expected an object with \"x\" and \"y\""
    );
    assert_eq!(
        errors[2].message,
        "element 3: expected [x, y] or {\"x\": …, \"y\": …}, found a string"
    );
    assert_eq!(errors[3].message, "element 4: x is a boolean, not a number");
    assert_eq!(errors[4].message, "element 5: x is not a finite number");
}

#[test]
fn truncated_json_keeps_the_good_part() {
    let full = points_to_json(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    let cut = &full[..full.len() - 12];
    let (points, errors) = parse_points_json(cut).unwrap();
    assert_eq!(points, vec![[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 3);
    assert!(errors[0].message.contains("the rest"), "{:?}", errors[0]);
}

// ---------------------------------------------------------------- export → import

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn exports_import_exactly(pts in prop::collection::vec((-1e4..=1e4f64, -1e4..=1e4f64), 1..200)) {
        let points: Vec<[f64; 2]> = pts.iter().map(|&(x, y)| [x, y]).collect();
        let (csv_back, e1) = parse_points(&points_to_csv(&points)).unwrap();
        let (json_back, e2) = parse_points(&points_to_json(&points)).unwrap();
        prop_assert!(e1.is_empty() && e2.is_empty());
        prop_assert_eq!(&csv_back, &points);
        prop_assert_eq!(&json_back, &points);
    }

    #[test]
    fn models_round_trip(bits in prop::collection::vec(any::<bool>(), 0..=64), seed in any::<u64>()) {
        let kinds: Vec<LayerKind> = bits.iter().enumerate().map(|(i, &b)| match (b, i % 5, i % 7) {
            (_, _, 6) => LayerKind::Scale,
            (_, 4, _) => LayerKind::Sylvester,
            (true, _, _) => LayerKind::Planar,
            (false, _, _) => LayerKind::Radial,
        }).collect();
        let params = init_params(&kinds, Init::Default, seed);
        let text = model_to_json(&kinds, &params, Direction::Normalizing).unwrap();
        let (k2, p2) = model_from_json(&text).unwrap();
        prop_assert_eq!(k2, kinds);
        prop_assert_eq!(p2, params);
    }

    #[test]
    fn importers_never_panic_on_arbitrary_text(s in ".{0,300}", bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for t in [s.clone(), String::from_utf8_lossy(&bytes).into_owned(), format!("[{s}"), format!("{{\"points\":[{s}")] {
            let _ = parse_points(&t);
            let _ = parse_points_csv(&t);
            let _ = parse_points_json(&t);
            let _ = model_from_json(&t);
            if let Ok((points, _)) = parse_points(&t) {
                prop_assert!(!points.is_empty() && points.len() <= MAX_POINTS);
                prop_assert!(points.iter().all(|p| p[0].is_finite() && p[1].abs() <= 1e4));
            }
        }
    }
}

#[test]
fn deep_json_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        parse_points_json(&deep),
        Err(ImportError::BadJson { .. } | ImportError::NoPoints { .. })
    ));
    assert!(matches!(
        model_from_json(&deep),
        Err(ImportError::BadJson { .. })
    ));
}

// ---------------------------------------------------------------- model

#[test]
fn model_json_is_readable_and_validated() {
    let kinds = vec![LayerKind::Planar, LayerKind::Radial];
    let params = init_params(&kinds, Init::Default, 3);
    let text = model_to_json(&kinds, &params, Direction::Normalizing).unwrap();
    assert!(text.contains("\"format\": \"flow-playground-model\""));
    assert!(
        text.contains("\"type\": \"planar\"")
            && text.contains("\"u_hat\"")
            && text.contains("\"alpha\"")
    );
    assert_eq!(
        model_to_json(&kinds, &params[1..], Direction::Normalizing),
        None
    );

    let swap = |from: &str, to: &str| model_from_json(&text.replacen(from, to, 1));
    let e = swap("\"type\": \"radial\"", "\"type\": \"affine\"").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Not a usable model: layer 1 has unknown type 'affine' (expected planar, radial, sylvester, affine-x, affine-y, spline-x, spline-y, scale, cnf-mlp or cnf-planar)."
    );
    let e = swap("\"raw\": [", "\"raw\": [1, ").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Not a usable model: layer 0 (planar) has 6 raw values; it needs 5."
    );
    let mut marked = params.clone();
    marked[0] = 12345.5;
    let e = model_from_json(
        &model_to_json(&kinds, &marked, Direction::Normalizing)
            .unwrap()
            .replace("12345.5", "1e999"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("not a finite number"), "{e}");
    let e = swap("flow-playground-model", "something-else").unwrap_err();
    assert!(
        e.to_string().contains("its format is 'something-else'"),
        "{e}"
    );
    let e = model_from_json("[[1, 2], [3, 4]]").unwrap_err();
    assert!(e.to_string().contains("looks like points"), "{e}");
    let e = model_from_json("{\"points\": [[1, 2]]}").unwrap_err();
    assert!(e.to_string().contains("holds points"), "{e}");
    let e = model_from_json(&format!("{text} trailing")).unwrap_err();
    assert!(matches!(e, ImportError::BadJson { .. }), "{e:?}");
    // The constrained values are for readers only.
    let (k, p) = swap("\"u_hat\"", "\"ignored\"").unwrap();
    assert_eq!((k, p), (kinds, params));
    // Too many layers.
    let many = vec![LayerKind::Radial; 65];
    let text = model_to_json(&many, &vec![0.0; 65 * 4], Direction::Normalizing).unwrap();
    assert!(model_from_json(&text)
        .unwrap_err()
        .to_string()
        .contains("at most 64"));
}

#[test]
fn every_kind_round_trips_through_model_json() {
    // One layer of each kind, with parameters that are not the initialisation's (the coupling
    // output layers are non-zero): kinds, raw values and constrained fields for readers.
    let kinds = LayerKind::ALL.to_vec();
    let mut params = init_params(&kinds, Init::Default, 7);
    for (i, p) in params.iter_mut().enumerate() {
        *p += 1e-3 * ((i * 37) % 11) as f64;
    }
    let text = model_to_json(&kinds, &params, Direction::Normalizing).unwrap();
    for name in ["sylvester", "affine-x", "affine-y", "spline-x", "spline-y"] {
        assert!(text.contains(&format!("\"type\": \"{name}\"")), "{name}");
    }
    assert!(text.contains("\"R_tilde\"") && text.contains("\"keeps\": \"y\""));
    assert!(text.contains("1-32-32-23, tanh") && text.contains("(s_hat, mu)"));
    let (k, p) = model_from_json(&text).unwrap();
    assert_eq!(k, kinds);
    assert_eq!(p, params);
    // A coupling layer with the wrong number of raw values says how many it needs.
    // The fourth layer is affine-x.
    let at = text.match_indices("\"raw\": [").nth(3).unwrap().0 + "\"raw\": [".len();
    let short = format!("{}1, {}", &text[..at], &text[at..]);
    let e = model_from_json(&short).unwrap_err();
    assert!(
        e.to_string()
            .contains("(affine-x) has 1187 raw values; it needs 1186"),
        "{e}"
    );
}

// ---------------------------------------------------------------- merging

#[test]
fn importing_never_loses_a_drawing_unless_asked() {
    let drawn = vec![[0.0, 0.0], [1.0, 1.0]];
    let imported = vec![[2.0, 2.0]];
    let (all, w) = merge_points(&drawn, &imported, ImportMode::Append);
    assert_eq!(all, vec![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]);
    assert!(w.is_none());
    let (all, _) = merge_points(&drawn, &imported, ImportMode::Replace);
    assert_eq!(all, imported);
    let big = vec![[0.5, 0.5]; MAX_POINTS];
    let (all, w) = merge_points(&drawn, &big, ImportMode::Append);
    assert_eq!(all.len(), MAX_POINTS);
    assert_eq!(&all[..2], &drawn[..]);
    assert!(w
        .unwrap()
        .message
        .contains("only 19,998 of the 20,000 imported points were added"));
}
