//! The loss chart with its readout: point at the chart, or focus it and use ←/→ (Home/End) to
//! walk the recorded steps; the values appear under the chart. The frame loop draws it.

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::context::use_ui;
use crate::ui::draw::chart;

/// The chart.
#[component]
pub fn ChartView(label: Signal<String>) -> impl IntoView {
    let ui = use_ui();
    // The step being read (None: no readout).
    let at: RwSignal<Option<f64>> = RwSignal::new(None);
    let readout = Memo::new(move |_| {
        ui.version.track();
        let step = at.get()?;
        let state = ui.chart.get_value();
        ui.session.with_value(|s| chart::hover(s, state, step))
    });
    let on_move = move |ev: web_sys::PointerEvent| {
        at.set(chart::step_at(
            ui.chart.get_value(),
            f64::from(ev.offset_x()),
        ));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let Some(x_max) = chart::x_max(ui.chart.get_value()) else {
            return;
        };
        let jump = x_max / 40.0;
        let cur = at.get_untracked().unwrap_or(x_max);
        let next = match ev.key().as_str() {
            "ArrowLeft" => (cur - jump).max(0.0),
            "ArrowRight" => (cur + jump).min(x_max),
            "Home" => 0.0,
            "End" => x_max,
            "Escape" => {
                at.set(None);
                return;
            }
            _ => return,
        };
        // The chart's own keys: not the page's shortcuts.
        ev.prevent_default();
        ev.stop_propagation();
        at.set(Some(next));
    };
    let text = move || {
        readout.get().map_or_else(
            || "Point at the chart, or focus it and use ← →, to read values.".to_string(),
            |r| r.0,
        )
    };
    view! {
        <div class="chart-wrap">
            <canvas
                id="loss-chart"
                class="chart"
                tabindex="0"
                role="img"
                aria-label=move || format!("Loss chart: {}. Use left and right arrows to read values.", label.get())
                aria-describedby="chart-readout"
                on:pointermove=on_move
                on:pointerleave=move |_| { at.set(None) }
                on:keydown=on_key
                on:blur=move |_| { at.set(None) }
            ></canvas>
            <div
                class="chart-cursor"
                aria-hidden="true"
                style:display=move || if readout.get().is_some() { "block" } else { "none" }
                style:left=move || format!("{:.1}px", readout.get().map_or(0.0, |r| r.1))
            ></div>
            <p id="chart-readout" class="chart-readout" aria-live="polite">{text}</p>
            <label class="inline small">
                <input
                    id="chart-log-x"
                    type="checkbox"
                    on:change=move |ev| {
                        view::set_chart_log_x(ui, event_target_checked(&ev));
                        at.set(None);
                    }
                />
                " Log-scaled steps"
            </label>
        </div>
    }
}
