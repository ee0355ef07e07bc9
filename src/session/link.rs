//! A [`Session`] (plus the view's settings) as a link [`Config`], and back: the session's side
//! of the link's table (`state/keys.rs`, the keys whose owner is the session). The URL fragment,
//! local storage, undo states and lessons all pass through these two functions; every session
//! key survives session → config → session exactly (`tests/state_link_table.rs`).

use crate::state::{Compare, Config, EmbedConfig, Lesson, Mode, ViewConfig};

use super::model::{hyper_for, Session};

/// What a link holds besides the session: the view (stage, playback, overlays, window, the layer
/// open in the editor), embedding, the lesson and the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewParts {
    /// View options.
    pub view: ViewConfig,
    /// Embed flag and hide list.
    pub embed: EmbedConfig,
    /// The lesson shown.
    pub lesson: Option<Lesson>,
    /// The comparison shown.
    pub compare: Option<Compare>,
}

impl Session {
    /// The link config of this session shown with `parts`.
    pub fn to_config(&self, parts: ViewParts) -> Config {
        let flow = self.flow();
        let mut mode = self.mode();
        // A preset whose points differ from what it generates is stored as drawn points.
        if let Mode::Points(Some(info)) = mode {
            if info.generate() != self.points() {
                mode = Mode::Points(None);
            }
        }
        let (anneal, anneal_steps) = self.anneal();
        let mut cfg = Config {
            mode,
            points: self.points().to_vec(),
            kinds: flow.kinds().to_vec(),
            params: flow.params().to_vec(),
            seed: self.seed(),
            view: parts.view,
            embed: parts.embed,
            lesson: parts.lesson,
            compare: parts.compare,
            ..Config::default()
        };
        let hyper = self.trainer().hyper();
        cfg.train.lr = hyper.lr;
        cfg.train.batch = hyper.batch;
        cfg.train.clip = hyper.clip;
        cfg.train.anneal = anneal;
        cfg.train.anneal_steps = anneal_steps;
        cfg.train.step = self.trainer().step_count();
        cfg.view.selected = cfg.view.selected.filter(|&i| i < cfg.kinds.len());
        cfg
    }

    /// Makes the session what `cfg` describes (a config that satisfies `Config::check`, as
    /// `state::decode` guarantees): target, points, stack, exact parameters, settings, the step
    /// count. Adam's moments and the loss history start afresh (a link does not carry them; an
    /// undo checkpoint does, see [`Session::restore`]). `Err` says why the data cannot be
    /// trained on (a model is still shown).
    pub fn apply_config(&mut self, cfg: &Config) -> Result<(), String> {
        // As in `to_config`: a preset whose points differ from what it generates is drawn points.
        let mode = match &cfg.mode {
            Mode::Points(Some(info)) if info.generate() != cfg.points => Mode::Points(None),
            m => m.clone(),
        };
        let mut hyper = hyper_for(&mode, cfg.train.lr, cfg.train.batch);
        self.set_from_link(
            mode,
            cfg.points.clone(),
            (cfg.train.anneal, cfg.train.anneal_steps),
        );
        hyper.clip = cfg.train.clip;
        let r = self.rebuild(&cfg.kinds, cfg.seed, hyper);
        self.set_params(&cfg.params_or_init());
        self.set_step_count(cfg.train.step);
        r
    }
}
