#![cfg(not(target_arch = "wasm32"))]
//! Continuous layers in links and model files: letters `f` (the flow-matching MLP) and `c` (the
//! planar CNF), a solver or width other than the default in brackets, clear messages for bad
//! brackets, and whole states (kinds, spec, parameters) that come back identical.

use flow_playground::core::cnf::{CnfField, CnfSpec, Method};
use flow_playground::core::{init_params, Direction, Init, LayerKind};
use flow_playground::state::layers_codec::{decode_kinds, encode_kinds};
use flow_playground::state::model_json::{model_from_json, model_to_json};
use flow_playground::state::{decode, encode, Config, ViewConfig, MAX_LAYERS};

#[test]
fn continuous_kinds_have_letters_and_brackets() {
    let euler4 = LayerKind::Cnf(CnfSpec {
        field: CnfField::Planar(32),
        method: Method::Euler,
        steps: 4,
    });
    let mid16 = LayerKind::Cnf(CnfSpec {
        method: Method::Midpoint,
        steps: 16,
        ..CnfSpec::MLP
    });
    let kinds = vec![
        LayerKind::Scale,
        LayerKind::Cnf(CnfSpec::MLP),
        LayerKind::Cnf(CnfSpec::planar(8)),
        euler4,
        euler4,
        mid16,
    ];
    let text = encode_kinds(&kinds);
    assert_eq!(text, "zfc2c[32,euler,4]f[midpoint,16]");
    assert_eq!(decode_kinds(&text, MAX_LAYERS), Ok((kinds, false)));
    assert_eq!(
        decode_kinds("F", MAX_LAYERS).unwrap().0,
        vec![LayerKind::Cnf(CnfSpec::MLP)]
    );
    for (bad, says) in [
        ("c[99,rk4,16]", "width must be 1–64"),
        ("f[rk5,8]", "unknown ODE scheme 'rk5'"),
        ("f[rk4,0]", "steps must be 1–128"),
        ("f[rk4]", "f[rk4,8]"),
        ("c[8,rk4,16", "c[8,rk4,16]"),
    ] {
        let e = decode_kinds(bad, MAX_LAYERS).unwrap_err();
        assert!(e.contains(says), "{bad}: {e}");
    }
    let e = decode_kinds("2q", MAX_LAYERS).unwrap_err();
    assert!(
        e.contains("f = cnf-mlp") && e.contains("c = cnf-planar"),
        "{e}"
    );
}

#[test]
fn continuous_states_travel_whole_in_links_and_model_files() {
    let kinds = vec![
        LayerKind::Cnf(CnfSpec {
            field: CnfField::Planar(5),
            method: Method::Midpoint,
            steps: 12,
        }),
        LayerKind::Planar,
        LayerKind::Cnf(CnfSpec::MLP),
    ];
    let params = init_params(&kinds, Init::Default, 7);
    assert_eq!(params.len(), 50 + 5 + 4546);
    let c = Config {
        params: params.clone(),
        view: ViewConfig::for_layers(kinds.len()),
        kinds: kinds.clone(),
        ..Config::default()
    };
    let (d, w) = decode(&encode(&c));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(d, c);
    let json = model_to_json(&kinds, &params, Direction::Normalizing).unwrap();
    assert!(
        json.contains("\"type\": \"cnf-planar\"") && json.contains("\"width\": 5"),
        "{json:.400}"
    );
    assert_eq!(model_from_json(&json).unwrap(), (kinds, params));
    // A bad spec in a file is refused with the layer's number.
    let bad = json.replacen("\"steps\": 12", "\"steps\": 500", 1);
    let e = format!("{:?}", model_from_json(&bad).unwrap_err());
    assert!(e.contains("layer 0") && e.contains("steps"), "{e}");
}
