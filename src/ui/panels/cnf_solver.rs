//! A continuous layer's solver in the layer details: the scheme and the number of steps over
//! `[0, 1]` (the field is kept; the picture, the probe's ledger and training use the new ones).
//! Few steps of a coarse scheme show what a solver's error does to an exact density
//! (docs/maths/continuous.md, "Solvers").

use leptos::prelude::*;

use crate::core::cnf::{CnfSpec, Method};
use crate::ui::actions::stack;
use crate::ui::context::use_ui;

/// Step counts offered.
const STEPS: [u8; 7] = [1, 2, 4, 8, 16, 32, 64];

/// The scheme and steps of continuous layer `i` (spec `spec`).
#[component]
pub fn CnfSolver(i: usize, spec: CnfSpec) -> impl IntoView {
    let ui = use_ui();
    let scheme = move |m: Method| match m {
        Method::Euler => "Euler (order 1)",
        Method::Midpoint => "midpoint (order 2)",
        Method::Rk4 => "RK4 (order 4)",
    };
    view! {
        <div class="row cnf-solver">
            <label class="inline">
                "Solver "
                <select
                    id="cnf-method"
                    aria-label="ODE scheme of this layer"
                    on:change=move |ev| {
                        let m = Method::ALL.into_iter().find(|m| m.name() == event_target_value(&ev)).unwrap_or(spec.method);
                        stack::set_solver(ui, i, m, spec.steps);
                    }
                >
                    {Method::ALL.into_iter().map(|m| view! {
                        <option value=m.name() selected=m == spec.method>{scheme(m)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="inline">
                "Steps "
                <select
                    id="cnf-steps"
                    aria-label="Solver steps over t from 0 to 1"
                    on:change=move |ev| {
                        let n = event_target_value(&ev).parse().unwrap_or(spec.steps);
                        stack::set_solver(ui, i, spec.method, n);
                    }
                >
                    {STEPS.into_iter().map(|n| view! {
                        <option value=n.to_string() selected=n == spec.steps>{n.to_string()}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}
