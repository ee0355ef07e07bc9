//! What the controls show about the session, derived from it: one memo per fact, recomputed when
//! the session's version changes and notifying only when the value does. No control keeps its
//! own copy (loading a link, undo, a lesson or an import updates every control).

use leptos::prelude::*;

use crate::core::{Direction, LayerKind, StackPattern};
use crate::session::{pattern_of, Session, TargetChoice};
use crate::state::{Mode, PresetInfo};

/// The derived facts.
#[derive(Clone, Copy)]
pub struct Facts {
    /// Number of layers K.
    pub k: Memo<usize>,
    /// The layer kinds, in formula order.
    pub kinds: Memo<Vec<LayerKind>>,
    /// The stack's pattern (`Custom` for a mixed, hand-made stack).
    pub pattern: Memo<StackPattern>,
    /// The model seed.
    pub seed: Memo<u64>,
    /// The direction the layers' formulas act in.
    pub direction: Memo<Direction>,
    /// The target as the menu names it.
    pub target: Memo<TargetChoice>,
    /// How the preset cloud was generated (a preset target only).
    pub preset: Memo<Option<PresetInfo>>,
    /// Points in the session.
    pub n_points: Memo<usize>,
    /// Why training is off, if it is.
    pub data_problem: Memo<Option<String>>,
    /// Learning rate.
    pub lr: Memo<f64>,
    /// Minibatch size.
    pub batch: Memo<usize>,
    /// Annealing on, and its length in steps.
    pub anneal: Memo<(bool, u32)>,
}

impl Facts {
    /// The memos over `session`, recomputed when `version` changes.
    pub fn new(session: StoredValue<Session, LocalStorage>, version: RwSignal<u64>) -> Self {
        fn fact<T: PartialEq + Send + Sync + 'static>(
            session: StoredValue<Session, LocalStorage>,
            version: RwSignal<u64>,
            f: fn(&Session) -> T,
        ) -> Memo<T> {
            Memo::new(move |_| {
                version.track();
                session.with_value(f)
            })
        }
        Facts {
            k: fact(session, version, Session::k),
            kinds: fact(session, version, |s| s.flow().kinds().to_vec()),
            pattern: fact(session, version, |s| pattern_of(s.flow().kinds())),
            seed: fact(session, version, Session::seed),
            direction: fact(session, version, |s| s.flow().direction()),
            target: fact(session, version, |s| TargetChoice::of(&s.mode())),
            preset: fact(session, version, |s| match s.mode() {
                Mode::Points(p) => p,
                Mode::Energy(_) => None,
            }),
            n_points: fact(session, version, |s| s.points().len()),
            data_problem: fact(session, version, |s| s.data_problem().map(str::to_string)),
            lr: fact(session, version, Session::lr),
            batch: fact(session, version, Session::batch),
            anneal: fact(session, version, Session::anneal),
        }
    }
}
