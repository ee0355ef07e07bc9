//! The probe ledger: one point followed through every layer, and the change-of-variables sum
//! `log q_K(x) = log q₀(z₀) − Σ log |det J_k|`, live.

use leptos::prelude::*;

use crate::core::{Direction, Workspace};
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
            Some((p, s.flow().kinds().to_vec(), batch, s.flow().direction()))
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
                Some((p, kinds, batch_total, dir)) => {
                    let k = kinds.len();
                    let rows = p
                        .step_terms
                        .iter()
                        .enumerate()
                        .map(|(i, t)| {
                            let layer = match dir {
                                Direction::Generative => i,
                                Direction::Normalizing => k - 1 - i,
                            };
                            view! {
                                <tr>
                                    <td>{format!("step {} ({} layer {})", i + 1, kinds[layer].name(), layer + 1)}</td>
                                    <td class="num">{format!("({}, {})", num(p.positions[i + 1][0], 2), num(p.positions[i + 1][1], 2))}</td>
                                    <td class="num">{format!("{:+.4}", t)}</td>
                                </tr>
                            }
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
