//! The probe ledger: one point followed through every layer, and the change-of-variables sum
//! `log q_K(x) = log q₀(z₀) − Σ log |det J_k|`, live.

use leptos::prelude::*;

use crate::core::cnf::layer::PathPoint;
use crate::core::{Direction, Layer, Workspace};
use crate::state::numtext::num;
use crate::ui::actions::view;
use crate::ui::context::use_ui;

/// The ledger.
#[component]
pub fn ProbePanel() -> impl IntoView {
    let ui = use_ui();
    let ledger = move || {
        ui.version.track();
        let z0 = ui.probe.get()?;
        ui.session.with_value(|s| {
            let (p, batch) = s.probe(z0, &mut Workspace::default())?;
            let flow = s.flow();
            // Each continuous step's path from its input (the running integral of the trace).
            let paths: Vec<Option<Vec<PathPoint>>> = (1..=flow.len())
                .map(|k| match flow.layer(flow.step_layer_index(k)) {
                    Layer::Cnf(l) => Some(l.path(p.positions[k - 1])),
                    _ => None,
                })
                .collect();
            Some((p, flow.kinds().to_vec(), batch, flow.direction(), paths))
        })
    };
    view! {
        <section class="probe" aria-label="Probe ledger">
            {move || match ledger() {
                None => view! {
                    <p class="muted">
                        "Probe: choose the Probe tool and click the canvas to follow one point through every layer and see the change-of-variables ledger."
                    </p>
                }
                    .into_any(),
                Some((p, kinds, batch_total, dir, paths)) => {
                    let k = kinds.len();
                    // One row per step, and under a continuous step its running integral
                    // −∫₀ᵗ tr after each solver step (at most 8 rows): (class, term, position, nats).
                    let pos = |z: [f64; 2]| format!("({}, {})", num(z[0], 2), num(z[1], 2));
                    let mut lines: Vec<(&str, String, String, String)> = Vec::new();
                    for (i, t) in p.step_terms.iter().enumerate() {
                        let layer = match dir {
                            Direction::Generative => i,
                            Direction::Normalizing => k - 1 - i,
                        };
                        lines.push((
                            "",
                            format!("step {} ({} layer {})", i + 1, kinds[layer].name(), layer + 1),
                            pos(p.positions[i + 1]),
                            format!("{t:+.4}"),
                        ));
                        if let Some(Some(path)) = paths.get(i) {
                            let every = path.len().div_ceil(8).max(1);
                            for (j, (tt, z, run)) in path.iter().enumerate() {
                                if (j + 1) % every == 0 || j + 1 == path.len() {
                                    lines.push((
                                        "sub",
                                        format!("t = {}: −∫₀ᵗ tr ∂v/∂z dt", num(*tt, 3)),
                                        pos(*z),
                                        format!("({run:+.4})"),
                                    ));
                                }
                            }
                        }
                    }
                    let rows = lines
                        .into_iter()
                        .map(|(class, term, at, nats)| view! {
                            <tr class=class>
                                <td>{term}</td>
                                <td class="num">{at}</td>
                                <td class="num">{nats}</td>
                            </tr>
                        })
                        .collect_view();
                    view! {
                        <table class="ledger">
                            <caption>"Change of variables: log q_K(x) = log q₀(z₀) − Σ log |det J_k|"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"term"</th>
                                    <th scope="col">"position after"</th>
                                    <th scope="col">"nats"</th>
                                </tr>
                            </thead>
                            <tbody>
                                <tr>
                                    <td>"log q₀(z₀), base Gaussian"</td>
                                    <td class="num">{format!("({}, {})", num(p.positions[0][0], 2), num(p.positions[0][1], 2))}</td>
                                    <td class="num">{format!("{:+.4}", p.log_q0)}</td>
                                </tr>
                                {rows}
                            </tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row">"total log q_K(x)"</th>
                                    <td class="num">{format!("({}, {})", num(p.positions[k][0], 2), num(p.positions[k][1], 2))}</td>
                                    <td class="num" id="probe-total" data-batch=format!("{batch_total}")>{format!("{:+.4}", p.total)}</td>
                                </tr>
                            </tfoot>
                        </table>
                        <button class="ghost" on:click=move |_| { view::clear_probe(ui) }>"Clear probe"</button>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
