//! Undo / redo of whole states. Each destructive action keeps the state before it (as a link
//! config); undo gives that state back and keeps the present for redo. Depth-limited; a
//! checkpoint equal to the last one is not kept twice.

use crate::state::Config;

/// Most states kept for undo.
pub const DEPTH: usize = 60;

/// The two stacks.
#[derive(Default)]
pub struct History {
    undo: Vec<Config>,
    redo: Vec<Config>,
}

impl History {
    /// Remembers `now` (the state about to change); a new branch clears redo.
    pub fn checkpoint(&mut self, now: Config) {
        if self.undo.last() != Some(&now) {
            self.undo.push(now);
            if self.undo.len() > DEPTH {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
    }

    /// The state to go back to, keeping `now` for redo; `None` if there is none.
    pub fn undo(&mut self, now: Config) -> Option<Config> {
        let back = self.undo.pop()?;
        self.redo.push(now);
        Some(back)
    }

    /// The state to go forward to, keeping `now` for undo; `None` if there is none.
    pub fn redo(&mut self, now: Config) -> Option<Config> {
        let fwd = self.redo.pop()?;
        self.undo.push(now);
        Some(fwd)
    }

    /// Whether undo and redo have a state to go to.
    pub fn available(&self) -> (bool, bool) {
        (!self.undo.is_empty(), !self.redo.is_empty())
    }
}
