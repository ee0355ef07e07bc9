//! The layer editor's query (`render::editor`): which layer's handles are shown, in which frame,
//! and which handle a pointer takes hold of — checked against handle positions worked out by
//! hand (the foot of the window's centre on the line, `anchor + w`, the rings' radii), and as a
//! read-only query: the same inputs give the same answer, and asking changes nothing. Also the
//! planar line's grab offset (`render::handles::line_grab_offset`) against `wᵀz + b = 0`.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::{Direction, Flow, Layer, LayerKind, Planar};
use flow_playground::render::editor::{hit, placement_for, shown, shown_layer, EditorQuery};
use flow_playground::render::handles::{
    grab, line_grab_offset, planar_drag, Handle, HandlePlacement, LayerHandles, PlanarHandle,
    RadialHandle,
};
use flow_playground::render::ViewTransform;

/// A 600×600 canvas over [−4, 4]² (75 px per data unit).
fn view() -> ViewTransform {
    ViewTransform::new(600.0, 600.0)
}

fn close(a: [f64; 2], b: [f64; 2], tol: f64) -> bool {
    (a[0] - b[0]).abs() <= tol && (a[1] - b[1]).abs() <= tol
}

/// Planar, radial, planar (Generative: layer i takes its input at stage i).
fn flow(direction: Direction) -> Flow {
    let kinds = [LayerKind::Planar, LayerKind::Radial, LayerKind::Planar];
    let params = [
        // u = (0.3, 1.2), w = (1.5, 0.5), b = −1: the line 1.5x + 0.5y = 1.
        0.3, 1.2, 1.5, 0.5, -1.0, //
        // z₀ = (1, −1), α̂ = 0.5, β̂ = 1.
        1.0, -1.0, 0.5, 1.0, //
        -0.4, 0.2, 0.0, 2.0, 0.5,
    ];
    Flow::with_params(&kinds, &params, direction).expect("sizes match")
}

fn query(stage: f64, selected: Option<usize>, edit_tool: bool) -> EditorQuery {
    EditorQuery {
        stage,
        bounds: view().data_bounds(),
        selected,
        edit_tool,
        placement: None,
        dragging: false,
    }
}

#[test]
fn the_selected_layer_is_shown_at_its_input_stage_and_ghosts_with_the_edit_tool() {
    let f = flow(Direction::Generative);
    assert_eq!(shown_layer(&f, 1.0, Some(1), false), Some((1, true)));
    // Selected layer 1 but the view is at stage 2: with the Edit tool, layer 2 is a ghost.
    assert_eq!(shown_layer(&f, 2.0, Some(1), true), Some((2, false)));
    assert_eq!(shown_layer(&f, 2.0, Some(1), false), None);
    // Between stages, or past the last layer's input: nothing.
    assert_eq!(shown_layer(&f, 1.5, None, true), None);
    assert_eq!(shown_layer(&f, 3.0, None, true), None);
    // Normalizing: layer i takes its input at stage K − i.
    let n = flow(Direction::Normalizing);
    assert_eq!(shown_layer(&n, 3.0, Some(0), false), Some((0, true)));
    assert_eq!(shown_layer(&n, 1.0, None, true), Some((2, false)));
    assert_eq!(shown_layer(&n, 0.0, None, true), None);
}

#[test]
fn planar_handles_sit_at_the_foot_of_the_window_centre() {
    let f = flow(Direction::Generative);
    let sh = shown(&f, &query(0.0, Some(0), true)).expect("layer 0 shown");
    assert_eq!((sh.index, sh.selected), (0, true));
    // Foot of the centre (0, 0) on 1.5x + 0.5y − 1 = 0: t·w with 2.5t = 1, so (0.6, 0.2).
    let LayerHandles::Planar(h) = sh.handles else {
        panic!("{:?}", sh.handles)
    };
    assert!(close(h.anchor, [0.6, 0.2], 1e-12), "{:?}", h.anchor);
    assert!(close(h.normal_tip, [2.1, 0.7], 1e-12), "{:?}", h.normal_tip);
    assert!(close(h.u_tip, [0.9, 1.4], 1e-12), "{:?}", h.u_tip);
    assert_eq!(sh.placement, HandlePlacement::at([0.0, 0.0]));
}

#[test]
fn a_click_on_each_drawn_handle_takes_that_handle() {
    let f = flow(Direction::Generative);
    let v = view();
    let q = query(0.0, Some(0), true);
    let sh = shown(&f, &q).expect("shown");
    let LayerHandles::Planar(h) = sh.handles else {
        panic!()
    };
    for (pos, want) in [
        (h.anchor, PlanarHandle::Line),
        (h.normal_tip, PlanarHandle::Normal),
        (h.u_hat_tip, PlanarHandle::UHat),
        (h.u_tip, PlanarHandle::U),
    ] {
        // 5 px off the handle, within the 14 px radius.
        let c = v.canvas_from_data(pos);
        let at = [c[0] + 3.0, c[1] - 4.0];
        let got = hit(&f, &q, &v, at, 14.0).expect("a handle under the pointer");
        assert_eq!(got.handle, Handle::Planar(want), "at {pos:?}");
        assert_eq!((got.index, got.selected), (0, true));
        assert_eq!(
            got.anchor, h.anchor,
            "a planar drag turns about the drawn anchor"
        );
        assert_eq!(got.placement, sh.placement);
        if want != PlanarHandle::Line {
            // Held where it sits: pointer + offset is the handle.
            let p = v.data_from_canvas(at);
            assert!(close(
                [p[0] + got.offset[0], p[1] + got.offset[1]],
                pos,
                1e-9
            ));
        }
        assert_eq!(got.first_stage, 1);
    }
    // Nothing within 14 px of a far corner.
    assert_eq!(hit(&f, &q, &v, [5.0, 5.0], 14.0), None);
}

#[test]
fn a_click_on_the_line_holds_the_point_of_the_line_under_it() {
    let f = flow(Direction::Generative);
    let v = view();
    let q = query(0.0, Some(0), true);
    // A point of the line 1.5x + 0.5y = 1 far from the handles.
    let on = [1.6, -2.8];
    let c = v.canvas_from_data(on);
    let at_px = [c[0] + 2.0, c[1] + 2.0];
    let got = hit(&f, &q, &v, at_px, 14.0).expect("the line");
    assert_eq!(got.handle, Handle::Planar(PlanarHandle::Line));
    let p = v.data_from_canvas(at_px);
    let held = [p[0] + got.offset[0], p[1] + got.offset[1]];
    assert!(
        (1.5 * held[0] + 0.5 * held[1] - 1.0).abs() < 1e-12,
        "{held:?}"
    );
    // The offset is along w (the nearest point), not to the anchor.
    assert!((got.offset[0] * 0.5 - got.offset[1] * 1.5).abs() < 1e-12);
    assert!(!close(held, got.anchor, 0.5));
}

#[test]
fn radial_handles_are_on_their_rings_at_the_frame_angles() {
    let f = flow(Direction::Generative);
    let v = view();
    let q = query(1.0, Some(1), false);
    let sh = shown(&f, &q).expect("radial shown");
    let Layer::Radial(r) = sh.layer else { panic!() };
    let alpha = (1.0 + 0.5f64.exp()).ln();
    let gamma = (1.0 + 1.0f64.exp()).ln();
    let rho = 0.5 * (alpha + gamma);
    assert_eq!(r.z0, [1.0, -1.0]);
    let LayerHandles::Radial(h) = sh.handles else {
        panic!()
    };
    assert!(close(h.alpha_tip, [1.0 + alpha, -1.0], 1e-12));
    let (s60, c60) = std::f64::consts::FRAC_PI_3.sin_cos();
    assert!(close(
        h.beta_tip,
        [1.0 + rho * c60, -1.0 + rho * s60],
        1e-12
    ));
    for (pos, want) in [
        ([1.0, -1.0], RadialHandle::Centre),
        (h.alpha_tip, RadialHandle::Alpha),
        (h.beta_tip, RadialHandle::Beta),
    ] {
        let got = hit(&f, &q, &v, v.canvas_from_data(pos), 10.0).expect("hit");
        assert_eq!(got.handle, Handle::Radial(want));
        assert!(close(got.anchor, pos, 1e-12));
        assert!(close(got.offset, [0.0, 0.0], 1e-9));
    }
    // A stored placement of this layer turns the α handle: it is found where that frame puts it.
    let turned = EditorQuery {
        placement: Some((
            1,
            HandlePlacement {
                pivot: [0.0, 0.0],
                angles: [std::f64::consts::FRAC_PI_2, 0.0],
            },
        )),
        ..q
    };
    let at = v.canvas_from_data([1.0, -1.0 + alpha]);
    let got = hit(&f, &turned, &v, at, 10.0).expect("hit");
    assert_eq!(got.handle, Handle::Radial(RadialHandle::Alpha));
    assert_eq!(
        hit(&f, &q, &v, at, 10.0),
        None,
        "the default frame has it east"
    );
}

#[test]
fn the_query_is_read_only_and_repeatable() {
    let f = flow(Direction::Generative);
    let params = f.params().to_vec();
    let v = view();
    // A stored placement whose anchor is off screen: the answer re-anchors at the centre, every
    // time, and the stored placement (a value the caller owns) is what it was.
    let stored = Some((0, HandlePlacement::at([40.0, 40.0])));
    let q = EditorQuery {
        placement: stored,
        ..query(0.0, Some(0), true)
    };
    let before = q;
    let a = shown(&f, &q).expect("shown");
    let b = shown(&f, &q).expect("shown");
    assert_eq!(a, b);
    assert_eq!(
        a.placement.pivot,
        [0.0, 0.0],
        "re-anchored at the window centre"
    );
    let at = v.canvas_from_data(match a.handles {
        LayerHandles::Planar(h) => h.normal_tip,
        _ => panic!(),
    });
    let h1 = hit(&f, &q, &v, at, 14.0);
    let h2 = hit(&f, &q, &v, at, 14.0);
    assert!(h1.is_some());
    assert_eq!(h1, h2);
    assert_eq!(q, before);
    assert_eq!(f.params(), &params[..]);
    // Asking in another order (a hit first, then the drawing) gives the same handles.
    let c = shown(&f, &q).expect("shown");
    assert_eq!(a, c);
}

#[test]
fn the_frame_is_kept_while_useful_and_during_a_drag() {
    let f = flow(Direction::Generative);
    let layer = f.layer(0);
    let bounds = view().data_bounds();
    // The pivot (1, 1) has its foot (0.4, 0.8) inside the window: kept.
    let mine = HandlePlacement::at([1.0, 1.0]);
    assert_eq!(
        placement_for(Some((0, mine)), 0, &layer, bounds, false),
        mine
    );
    // Another layer's frame is not this one's.
    assert_eq!(
        placement_for(Some((2, mine)), 0, &layer, bounds, false),
        HandlePlacement::at([0.0, 0.0])
    );
    // Foot outside the window (less the 4 % margin): re-anchored, unless dragging.
    // A pivot on the line at (−4.4, 15.2) is its own foot, above the window.
    let far = HandlePlacement::at([-4.4, 15.2]);
    assert_eq!(
        placement_for(Some((0, far)), 0, &layer, bounds, false).pivot,
        [0.0, 0.0]
    );
    assert_eq!(placement_for(Some((0, far)), 0, &layer, bounds, true), far);
    // A window panned to (10, 10): its centre.
    let panned = ViewTransform {
        center: [10.0, 10.0],
        ..view()
    };
    let pf = placement_for(None, 0, &layer, panned.data_bounds(), false);
    assert!(close(pf.pivot, [10.0, 10.0], 1e-12));
}

#[test]
fn line_grab_offset_lands_on_the_line_along_w() {
    for (w, b) in [([1.5, 0.5], -1.0), ([0.0, 2.0], 3.0), ([-0.3, 0.01], 0.2)] {
        let p = Planar {
            u: [0.1, 0.2],
            w,
            b,
        };
        for at in [[0.0, 0.0], [3.0, -2.0], [-7.5, 1.25]] {
            let o = line_grab_offset(&p, at);
            let z = [at[0] + o[0], at[1] + o[1]];
            assert!((w[0] * z[0] + w[1] * z[1] + b).abs() < 1e-12, "{z:?}");
            // Parallel to w: the nearest point of the line.
            assert!((o[0] * w[1] - o[1] * w[0]).abs() < 1e-12);
            // Its length is the distance to the line, |wᵀat + b|/‖w‖.
            let d = (w[0] * at[0] + w[1] * at[1] + b).abs() / w[0].hypot(w[1]);
            assert!((o[0].hypot(o[1]) - d).abs() < 1e-12);
            // A Line drag that has not moved leaves b as it was.
            let q = planar_drag(&p, [0.0, 0.0], PlanarHandle::Line, z);
            assert!((q.b - b).abs() < 1e-12, "{} vs {b}", q.b);
        }
    }
    let zero = Planar {
        u: [1.0, 0.0],
        w: [0.0, 0.0],
        b: 1.0,
    };
    assert_eq!(line_grab_offset(&zero, [2.0, 3.0]), [0.0, 0.0]);
}

#[test]
fn grab_of_a_handle_of_another_kind_is_none() {
    let f = flow(Direction::Generative);
    let sh = shown(&f, &query(0.0, Some(0), true)).expect("shown");
    assert_eq!(
        grab(
            &sh.handles,
            &sh.layer,
            Handle::Radial(RadialHandle::Alpha),
            [0.0, 0.0]
        ),
        None
    );
}
