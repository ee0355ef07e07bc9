//! The stack's shape from the Model panel: depth K, pattern (planar, radial, alternating) and
//! seed. Each keeps the other two as the session has them, gives fresh seeded weights, and is
//! one undo step.

use leptos::prelude::*;

use crate::core::{Hyper, LayerKind, StackPattern};
use crate::state::Mode;
use crate::state::MAX_LAYERS;
use crate::ui::context::{NoticeKind, Ui};

use super::{common, history};

/// `raw` (typed in the K field) as a depth, or a message that keeps the old one.
pub fn set_depth_text(ui: Ui, raw: &str) {
    match raw.trim().parse::<usize>() {
        Ok(k) if k <= MAX_LAYERS => set_depth(ui, k),
        _ => ui.notify(
            NoticeKind::Error,
            format!(
                "K must be a whole number from 0 to {MAX_LAYERS}; kept {}.",
                ui.session.with_value(|s| s.k())
            ),
        ),
    }
}

/// `k` layers in the current pattern, fresh weights from the current seed.
pub fn set_depth(ui: Ui, k: usize) {
    history::checkpoint(ui);
    let r = ui.session.try_update_value(|s| s.set_depth(k));
    common::after_rebuild(ui, r.unwrap_or(Ok(())));
}

/// `pattern` at the current depth, fresh weights — or, when it moves between the small layers
/// and the coupling layers, at the pattern's suggested depth and with a learning rate suited to
/// it (16 planar layers are a lecture's example, 16 spline couplings 30,000 weights; coupling
/// layers train at 1e-3, as in the benchmarks and the reference fits).
pub fn set_pattern(ui: Ui, pattern: StackPattern) {
    history::checkpoint(ui);
    let r = ui.session.try_update_value(|s| {
        let coupling = |kinds: &[LayerKind]| kinds.iter().any(|k| k.keep().is_some());
        let to_coupling = coupling(&pattern.kinds(6));
        let switch = coupling(s.flow().kinds()) != to_coupling;
        let k = if switch { pattern.suggested_k() } else { s.k() };
        let kinds = pattern.kinds(k);
        let r = s.set_stack(&kinds, s.seed());
        if switch {
            let lr = if to_coupling {
                COUPLING_LR
            } else {
                match s.mode() {
                    Mode::Points(_) => Hyper::ml_default().lr,
                    Mode::Energy(_) => Hyper::energy_default().lr,
                }
            };
            // A default rate: positive and finite, so `set_lr` accepts it.
            let _ = s.set_lr(lr);
        }
        r
    });
    common::after_rebuild(ui, r.unwrap_or(Ok(())));
}

/// The learning rate a coupling stack starts with.
const COUPLING_LR: f64 = 1e-3;

/// `raw` (typed in the seed field) as the model seed: the same stack, fresh weights from it.
pub fn set_seed_text(ui: Ui, raw: &str) {
    let Ok(seed) = raw.trim().parse::<u64>() else {
        ui.notify(
            NoticeKind::Error,
            format!(
                "The seed must be a whole number ≥ 0; kept {}.",
                ui.session.with_value(|s| s.seed())
            ),
        );
        return;
    };
    history::checkpoint(ui);
    let r = ui.session.try_update_value(|s| {
        let kinds = s.flow().kinds().to_vec();
        s.set_stack(&kinds, seed)
    });
    common::after_rebuild(ui, r.unwrap_or(Ok(())));
}
