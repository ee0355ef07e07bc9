//! The layer open in the layer editor.

use leptos::prelude::*;

use crate::render::handles::input_stage;
use crate::ui::context::{Panel, Tool, Ui};

/// Selects layer `i` (or none). A selection turns the Edit tool on and opens the Model panel
/// (its fields); with `jump`, the view moves to the layer's input stage, where its handles are
/// drawn.
pub fn select(ui: Ui, i: Option<usize>, jump: bool) {
    ui.selected_layer.set(i);
    ui.editor.update_value(|e| e.reselect());
    let Some(i) = i else {
        return;
    };
    if ui.tool.get_untracked() != Tool::Edit {
        ui.tool.set(Tool::Edit);
    }
    super::view::open_panel(ui, Panel::Model);
    if jump {
        let (k, dir) = ui.session.with_value(|s| (s.k(), s.flow().direction()));
        ui.playing.set(false);
        ui.stage.set(input_stage(dir, k, i) as f64);
    }
}
