//! Draws the edited layer's geometry and handles on the overlay canvas, in the space of its
//! input stage (positions from the pure `render::handles`).
//!
//! Planar: the line `wᵀz + b = 0`, the tanh band's edges `a = ±1` (the `a = −1` edge is the
//! wall the `û` tip may not cross: `wᵀû > −1`), the arrows `w`, `û` and raw `u` with the
//! projection `u → û` along `w`. Radial: the centre, the `α` ring, its image (radius `α + β/2`)
//! with arrows showing contraction or expansion, and the fold ring `α/2`. A faint field of
//! arrows `z → f(z)` shows what the layer's formula does to its input space.
//!
//! Colours are Okabe–Ito (safe for colour-blind readers) and every part also carries a text
//! label, so nothing is told by colour alone. The handles' CSS-pixel positions are mirrored into
//! `data-handles` on the canvas for tests.

use leptos::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::core::{Direction, Layer, Vec2};
use crate::render::editor;
use crate::render::handles::{
    Handle, LayerHandles, PlanarHandle, PlanarHandles, RadialHandle, RadialHandles,
};
use crate::render::sylvester_handles::{SylvesterHandle, SylvesterHandles};
use crate::render::ViewTransform;

use crate::session::Session;
use crate::state::numtext::num;
use crate::ui::browser::report;
use crate::ui::context::Ui;

use super::canvas;
use super::strokes::Draw;

const SKY: &str = "#56B4E9";
const ORANGE: &str = "#E69F00";
const VERMILLION: &str = "#D55E00";
const PURPLE: &str = "#CC79A7";

/// Draw the handles of the layer the editor shows at `stage` (if any) over the overlays.
pub fn draw(
    ui: Ui,
    sess: &Session,
    overlay: &HtmlCanvasElement,
    window: ViewTransform,
    dpr: f64,
    stage: f64,
) {
    let view = ViewTransform {
        width: overlay.width() as f64,
        height: overlay.height() as f64,
        ..window
    };
    let query = ui.editor_query(stage, view.data_bounds());
    let shown = editor::shown(sess.flow(), &query);
    let (Some(sh), Some(ctx)) = (shown, canvas::context_2d(overlay)) else {
        report::warn_once(
            "clearing the handles' data attribute",
            overlay.remove_attribute("data-handles"),
        );
        return;
    };
    let active = ui.editor.with_value(|e| e.drag.map(|d| d.handle));
    let d = Draw {
        ctx: &ctx,
        view: &view,
        dpr,
    };
    ctx.save();
    if !sh.selected {
        ctx.set_global_alpha(0.6);
    } else {
        d.quiver(&sh.layer, sess.flow().direction());
    }
    let mut positions: Vec<(&str, Vec2)> = Vec::new();
    match &sh.handles {
        LayerHandles::Planar(h) => d.planar(h, active, &mut positions),
        LayerHandles::Radial(h) => d.radial(h, active, &mut positions),
        LayerHandles::Sylvester(h) => d.sylvester(h, active, &mut positions),
        LayerHandles::None => {
            if let Some(keep) = sh.layer.kind().keep() {
                d.conditioning_axis(keep);
            }
        }
    }
    let kind = sh.layer.kind().family();
    let grabbable = !matches!(sh.handles, LayerHandles::None);
    let stage_note = match sess.flow().direction() {
        Direction::Normalizing => "its formula's input (data side)",
        Direction::Generative => "its formula's input",
    };
    let narrow = view.width / dpr < 520.0;
    let caption = match (sh.selected, narrow) {
        (true, false) => format!(
            "Layer {} ({kind}) at stage {}: {stage_note}",
            sh.index + 1,
            num(stage, 0)
        ),
        (true, true) => format!("Layer {} ({kind}), stage {}", sh.index + 1, num(stage, 0)),
        (false, false) if grabbable => format!(
            "Layer {} ({kind}) takes its input here: grab a handle to edit it",
            sh.index + 1
        ),
        (false, true) if grabbable => format!("Layer {}: grab a handle to edit", sh.index + 1),
        (false, _) => format!("Layer {} ({kind}) takes its input here", sh.index + 1),
    };
    d.label(&caption, [10.0 * dpr, 22.0 * dpr], "#ffffff", narrow);
    ctx.restore();

    let json = positions
        .iter()
        .map(|(name, p)| {
            let c = view.canvas_from_data(*p);
            format!("\"{name}\":[{:.2},{:.2}]", c[0] / dpr, c[1] / dpr)
        })
        .collect::<Vec<_>>()
        .join(",");
    let attr = format!(
        "{{\"layer\":{},\"selected\":{},\"kind\":\"{kind}\",\"handles\":{{{json}}}}}",
        sh.index, sh.selected
    );
    report::warn_once(
        "writing the handles' data attribute",
        overlay.set_attribute("data-handles", &attr),
    );
}

impl Draw<'_> {
    /// A coupling layer's conditioning: a dashed line along the kept coordinate's axis
    /// direction through the view's centre, labelled (the kept coordinate passes unchanged and
    /// decides how the other one moves).
    fn conditioning_axis(&self, keep: crate::core::coupling::Keep) {
        use crate::core::coupling::Keep;
        let [x0, x1, y0, y1] = self.view.data_bounds();
        let (a, b, label) = match keep {
            Keep::X => (
                [x0, 0.5 * (y0 + y1)],
                [x1, 0.5 * (y0 + y1)],
                "x is kept and conditions y (y moves along vertical lines)",
            ),
            Keep::Y => (
                [0.5 * (x0 + x1), y0],
                [0.5 * (x0 + x1), y1],
                "y is kept and conditions x (x moves along horizontal lines)",
            ),
        };
        self.segment(a, b, SKY, 2.0, true, &[10.0, 6.0]);
        let at = self.c(a);
        self.label(
            label,
            [at[0] + 10.0 * self.dpr, at[1] - 8.0 * self.dpr],
            SKY,
            true,
        );
    }

    /// A faint field of arrows `z → f(z)`: what the layer's formula does to its input space (a
    /// continuous layer's formula runs the way the flow's direction says: `cnf/layer.rs`).
    fn quiver(&self, layer: &Layer, dir: Direction) {
        let [x0, x1, y0, y1] = self.view.data_bounds();
        let n = 9;
        let map = match layer {
            Layer::Cnf(c) => crate::core::LayerMap::Cnf(c.map(1.0, crate::core::flow::orient(dir))),
            l => l.map(1.0),
        };
        let min_px = 2.0 * self.dpr;
        for j in 0..n {
            for i in 0..n {
                let z = [
                    x0 + (i as f64 + 0.5) / n as f64 * (x1 - x0),
                    y0 + (j as f64 + 0.5) / n as f64 * (y1 - y0),
                ];
                let (y, _) = map.forward(z);
                let (cz, cy) = (self.c(z), self.c(y));
                let len = (cy[0] - cz[0]).hypot(cy[1] - cz[1]);
                if len.is_finite() && len >= min_px {
                    self.arrow(z, y, "rgba(240,228,66,0.65)", 1.0, 5.0, &[]);
                }
            }
        }
    }

    /// Sylvester: its two lines (`a₁ = 0` orange, `a₂ = 0` sky blue, dashed differently), their
    /// crossing (a fixed point; drag it to move both) and the rotation arm along `q₁`.
    fn sylvester(&self, h: &SylvesterHandles, active: Option<Handle>, out: &mut Vec<(&str, Vec2)>) {
        let is = |x: SylvesterHandle| active == Some(Handle::Sylvester(x));
        if let Some([a, b]) = h.line1 {
            self.segment(a, b, ORANGE, 2.2, true, &[9.0, 5.0]);
        }
        if let Some([a, b]) = h.line2 {
            self.segment(a, b, SKY, 2.2, true, &[]);
        }
        self.arrow(h.centre, h.rotation_tip, PURPLE, 2.5, 11.0, &[]);
        self.handle(
            h.centre,
            "#ffffff",
            "fixed point",
            is(SylvesterHandle::Centre),
        );
        self.handle(
            h.rotation_tip,
            PURPLE,
            &format!("θ = {}°", num(h.theta.to_degrees(), 0)),
            is(SylvesterHandle::Rotation),
        );
        out.push(("Centre", h.centre));
        out.push(("Rotation", h.rotation_tip));
    }

    fn planar(&self, h: &PlanarHandles, active: Option<Handle>, out: &mut Vec<(&str, Vec2)>) {
        let is = |x: PlanarHandle| active == Some(Handle::Planar(x));
        let w = [h.normal_tip[0] - h.anchor[0], h.normal_tip[1] - h.anchor[1]];
        let n2 = w[0] * w[0] + w[1] * w[1];
        if let Some([a, b]) = h.level_plus {
            self.segment(a, b, "rgba(255,255,255,0.75)", 1.2, false, &[4.0, 6.0]);
        }
        if let Some([a, b]) = h.level_minus {
            self.segment(a, b, VERMILLION, 2.0, true, &[9.0, 5.0]);
            if n2 > 0.0 {
                // Label the wall near the end farther from the handles (less clutter).
                let foot = self.c([h.anchor[0] - w[0] / n2, h.anchor[1] - w[1] / n2]);
                let (ca, cb) = (self.c(a), self.c(b));
                let d2 = |p: Vec2| (p[0] - foot[0]).powi(2) + (p[1] - foot[1]).powi(2);
                let (far, near) = if d2(ca) > d2(cb) { (ca, cb) } else { (cb, ca) };
                let at = [
                    far[0] + 0.2 * (near[0] - far[0]),
                    far[1] + 0.2 * (near[1] - far[1]),
                ];
                self.label(
                    "a = −1: û may not cross",
                    [at[0] + 8.0 * self.dpr, at[1]],
                    "#ffb38a",
                    true,
                );
            }
        }
        if let Some([a, b]) = h.line {
            self.segment(a, b, "#ffffff", 2.5, true, &[]);
        }
        let u_visible = {
            let (cu, cuh) = (self.c(h.u_tip), self.c(h.u_hat_tip));
            (cu[0] - cuh[0]).hypot(cu[1] - cuh[1]) > 2.0 * self.dpr
        };
        self.arrow(h.anchor, h.normal_tip, SKY, 2.5, 11.0, &[]);
        if u_visible {
            self.arrow(h.anchor, h.u_tip, PURPLE, 2.0, 10.0, &[6.0, 4.0]);
            self.segment(h.u_tip, h.u_hat_tip, "#ffffff", 1.5, true, &[2.0, 3.0]);
        }
        self.arrow(h.anchor, h.u_hat_tip, ORANGE, 3.0, 12.0, &[]);
        self.handle(h.anchor, "#ffffff", "b", is(PlanarHandle::Line));
        self.handle(h.normal_tip, SKY, "w", is(PlanarHandle::Normal));
        if u_visible {
            self.handle(h.u_tip, PURPLE, "u (raw)", is(PlanarHandle::U));
            out.push(("U", h.u_tip));
        }
        self.handle(h.u_hat_tip, ORANGE, "û", is(PlanarHandle::UHat));
        out.push(("Line", h.anchor));
        out.push(("Normal", h.normal_tip));
        out.push(("UHat", h.u_hat_tip));
    }

    fn radial(&self, h: &RadialHandles, active: Option<Handle>, out: &mut Vec<(&str, Vec2)>) {
        let is = |x: RadialHandle| active == Some(Handle::Radial(x));
        self.circle(h.centre, h.fold_radius, VERMILLION, 1.8, &[2.0, 4.0]);
        self.circle(h.centre, h.alpha, "#ffffff", 2.2, &[]);
        self.circle(h.centre, h.image_radius, ORANGE, 2.2, &[8.0, 5.0]);
        // Arrows from the α ring to its image: inward = contraction, outward = expansion.
        let gap_px = (h.image_radius - h.alpha).abs() * self.view.scale();
        if gap_px > 4.0 * self.dpr {
            for k in 0..8 {
                let a = (k as f64 + 0.5) * std::f64::consts::FRAC_PI_4;
                let (c, s) = (a.cos(), a.sin());
                let from = [h.centre[0] + h.alpha * c, h.centre[1] + h.alpha * s];
                let to = [
                    h.centre[0] + h.image_radius * c,
                    h.centre[1] + h.image_radius * s,
                ];
                self.arrow(from, to, ORANGE, 1.6, 8.0, &[]);
            }
        }
        // The fold ring's label only where it has room (the panel explains it anyway).
        if h.fold_radius * self.view.scale() > 45.0 * self.dpr {
            let fold = self.c([h.centre[0], h.centre[1] - h.fold_radius]);
            self.label(
                "fold limit α/2",
                [fold[0] - 36.0 * self.dpr, fold[1] + 14.0 * self.dpr],
                "#ffb38a",
                true,
            );
        }
        let beta_label = if h.beta < 0.0 {
            format!("β = {}: contracts", num(h.beta, 2))
        } else {
            format!("β = {}: expands", num(h.beta, 2))
        };
        self.handle(h.centre, "#ffffff", "z₀", is(RadialHandle::Centre));
        self.handle(
            h.alpha_tip,
            SKY,
            &format!("α = {}", num(h.alpha, 2)),
            is(RadialHandle::Alpha),
        );
        self.handle(h.beta_tip, ORANGE, &beta_label, is(RadialHandle::Beta));
        out.push(("Centre", h.centre));
        out.push(("Alpha", h.alpha_tip));
        out.push(("Beta", h.beta_tip));
    }
}
