//! Undo / redo of everything a link holds: points, layer stack and parameters, target,
//! settings, lesson. Each destructive action (a brush stroke, a preset, an import, a layer
//! edit, a lesson) first calls [`checkpoint`], which keeps the whole state as a link config;
//! undo applies the previous one (the trainer restarts from those exact parameters).

use std::cell::RefCell;

use leptos::prelude::*;

use crate::state::Config;

use super::persist;
use super::state::Ui;

/// Most states kept for undo.
const DEPTH: usize = 60;

#[derive(Default)]
struct Stacks {
    undo: Vec<Config>,
    redo: Vec<Config>,
}

thread_local! {
    static STACKS: RefCell<Stacks> = RefCell::new(Stacks::default());
}

fn publish(ui: Ui) {
    let ur = STACKS.with(|s| {
        let s = s.borrow();
        (!s.undo.is_empty(), !s.redo.is_empty())
    });
    if ui.undo_redo.get_untracked() != ur {
        ui.undo_redo.set(ur);
    }
}

/// Remember the current state before changing it. A checkpoint equal to the last one is not
/// kept twice.
pub fn checkpoint(ui: Ui) {
    let now = persist::snapshot(ui);
    STACKS.with(|s| {
        let mut s = s.borrow_mut();
        if s.undo.last() != Some(&now) {
            s.undo.push(now);
            if s.undo.len() > DEPTH {
                s.undo.remove(0);
            }
        }
        s.redo.clear();
    });
    publish(ui);
}

/// Go back one state; false if there is none.
pub fn undo(ui: Ui) -> bool {
    step(ui, true)
}

/// Go forward one state; false if there is none.
pub fn redo(ui: Ui) -> bool {
    step(ui, false)
}

fn step(ui: Ui, back: bool) -> bool {
    let now = persist::snapshot(ui);
    let target = STACKS.with(|s| {
        let mut s = s.borrow_mut();
        let (from, to) = if back {
            let s = &mut *s;
            (&mut s.undo, &mut s.redo)
        } else {
            let s = &mut *s;
            (&mut s.redo, &mut s.undo)
        };
        let t = from.pop()?;
        to.push(now);
        Some(t)
    });
    let Some(cfg) = target else {
        return false;
    };
    // The embed flag and hide list belong to the page, not to the history.
    let cfg = Config {
        embed: ui.embed.get_untracked(),
        ..cfg
    };
    persist::apply(ui, &cfg);
    publish(ui);
    true
}
