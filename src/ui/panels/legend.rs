//! The colour legend beside the canvas: what the colours mean and their range.

use leptos::prelude::*;

use crate::render::{Colormap, DensityScale};
use crate::state::numtext::{num, sci};
use crate::ui::context::{use_ui, Legend};

/// The legend.
#[component]
pub fn LegendBar() -> impl IntoView {
    let ui = use_ui();
    let gradient = move || {
        let cmap = match ui.legend.get() {
            Legend::Volume { .. } | Legend::SolverError { .. } => Colormap::Diverging,
            Legend::Density { .. } => Colormap::Viridis,
        };
        cmap.css_gradient("to top")
    };
    let labels = move || match ui.legend.get() {
        Legend::Density {
            scale: DensityScale::Linear,
            max_log,
        } => (
            num(max_log.exp(), 3),
            "0".to_string(),
            "density p(x)".to_string(),
        ),
        Legend::Density {
            scale: DensityScale::Log { range },
            max_log,
        } => (
            num(max_log, 2),
            num(max_log - range, 1),
            "log p(x), nats".to_string(),
        ),
        Legend::Volume { step, range } => (
            format!("+{} expands", num(range, 2)),
            format!("−{} contracts", num(range, 2)),
            format!("log |det J| of step {step}"),
        ),
        Legend::SolverError {
            solver: (name, steps),
            range,
        } => (
            format!("+{} too much", sci(range)),
            format!("−{} too little", sci(range)),
            format!(
                "density error, {name} × {steps} vs RK4 × {}",
                crate::core::cnf::solver_error::reference_steps(steps)
            ),
        ),
    };
    view! {
        <div class="legend" aria-label="Colour legend">
            <span class="legend-title">{move || labels().2}</span>
            <span class="legend-top">{move || labels().0}</span>
            // Set through the CSSOM (`style:`), which the page's CSP allows; a `style` attribute
            // would be an inline style, which it forbids.
            <div class="legend-bar" style:background=gradient></div>
            <span class="legend-bottom">{move || labels().1}</span>
        </div>
    }
}
