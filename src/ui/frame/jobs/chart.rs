//! The loss chart and the training bar's sparkline: redrawn when what it plots changed — the training history, the objective, the
//! axis — (at most every 250 ms while training, on the frame whose turn it is). Dragging a layer
//! changes the model but not its history, so a drag never redraws the chart.

use leptos::prelude::*;

use crate::ui::browser::page;
use crate::ui::context::Ui;
use crate::ui::draw::{chart, sparkline};
use crate::ui::frame::{Frame, FrameJob, Part, Periodic};

/// What the chart plots, cheaply: steps, history length, the last loss, the objective, the
/// axis, and the chart's on-screen size (a panel opening gives a hidden chart its size).
type Key = (u64, usize, u64, Option<u64>, u64, bool, (i32, i32));

fn key(ui: Ui) -> Key {
    let log_x = ui.chart.with_value(|c| c.log_x);
    let size = page::by_id::<web_sys::HtmlElement>("loss-chart")
        .map_or((0, 0), |e| (e.client_width(), e.client_height()));
    ui.session.with_value(|s| {
        let tr = s.trainer();
        (
            tr.step_count(),
            tr.history().len(),
            tr.history().last().map_or(0, |h| h.loss.to_bits()),
            s.energy().and_then(|e| e.log_z()).map(f64::to_bits),
            s.preset_floor().map_or(0, f64::to_bits),
            log_x,
            size,
        )
    })
}

/// The chart job.
#[derive(Default)]
pub struct Chart {
    drawn: Option<Key>,
    at: f64,
}

impl FrameJob for Chart {
    fn part(&self) -> Part {
        Part::Chart
    }
    fn periodic(&self) -> Option<Periodic> {
        Some(Periodic::Chart)
    }
    fn due(&self, f: &Frame) -> bool {
        f.now - self.at > 250.0 && self.drawn != Some(key(f.ui))
    }
    fn expected_ms(&self, measured: Option<f64>) -> f64 {
        measured.unwrap_or(3.0)
    }

    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let run = if f.training {
            f.extra == Some(Periodic::Chart)
        } else {
            self.drawn != Some(key(ui))
        };
        if !run {
            return;
        }
        let k = key(ui);
        let mut state = ui.chart.get_value();
        ui.session.with_value(|s| {
            chart::draw(s, &mut state);
            sparkline::draw(s);
        });
        ui.chart.set_value(state);
        self.drawn = Some(k);
        self.at = f.now;
    }
}
