//! A trainer as words (`core::words`), whole or in part, so the page can hand it to its worker
//! and take it back without a bit changing (README, "Training on the second core").
//!
//! - The **image** is everything [`Trainer::new`] and a run so far made: the stack's kinds, the
//!   initialisation and seed (reset goes back to them), the objective with its points, the
//!   parameters and the [`Progress`]. [`Trainer::from_image`] rebuilds a trainer that takes
//!   bit for bit the steps the original would have taken (tested in `tests/core_image.rs`).
//! - The **state** is what training changes: parameters and progress. A worker's snapshot is
//!   a state; [`Trainer::adopt_state`] puts it into the trainer it was made from.
//!
//! Reading checks sizes against the stack and the caller's bounds, the hyper-parameters and the
//! training points as [`Trainer::new`] would, and changes nothing on failure.

use super::super::adam::Adam;
use super::super::cnf::{CnfField, CnfSpec, Method};
use super::super::energy::Energy;
use super::super::energy_target::EnergyTarget;
use super::super::flow::Flow;
use super::super::formula::MAX_LEN;
use super::super::history::{read_eval, write_eval, History};
use super::super::layer::LayerKind;
use super::super::objective::Annealing;
use super::super::points::Points;
use super::super::stack::Init;
use super::super::stream::Stream;
use super::super::typed_energy::{Quadrature, TypedEnergy};
use super::super::words::{Malformed, Reader, Writer};
use super::{check_hyper, check_objective, Hyper, LrSchedule, Objective, Progress, Trainer};

/// Most history entries an image may carry (the trainer keeps [`History::DEFAULT_CAPACITY`]).
const MAX_HISTORY: usize = 1 << 16;

/// The largest minibatch, and the most evaluation samples, an image may carry: the app's own
/// bound on the batch. (A message with four billion would otherwise allocate as many at the
/// first step; the page's worker also holds each stack to its memory budget.)
pub const MAX_IMAGE_BATCH: usize = 8192;

/// Bounds on what an image may hold (the page's link limits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageLimits {
    /// Most layers.
    pub layers: usize,
    /// Most training plus held-out points.
    pub points: usize,
}

impl Trainer {
    /// Writes the whole trainer (see the module docs).
    pub fn write_image(&self, w: &mut Writer) {
        let kinds = self.flow.kinds();
        w.usize(kinds.len());
        for &k in kinds {
            write_kind(w, k);
        }
        match self.init {
            Init::Default => w.usize(0),
            Init::SmallNormal(s) => {
                w.usize(1);
                w.f64(s);
            }
        }
        w.u64(self.seed);
        write_objective(w, &self.objective);
        w.bool(self.through_ode);
        self.write_state(w);
    }

    /// The trainer [`Trainer::write_image`] wrote.
    pub fn from_image(r: &mut Reader, limits: ImageLimits) -> Result<Trainer, Malformed> {
        let n_kinds = r.usize(limits.layers)?;
        let mut kinds = Vec::with_capacity(n_kinds);
        for _ in 0..n_kinds {
            kinds.push(read_kind(r)?);
        }
        let init = match r.usize(1)? {
            0 => Init::Default,
            _ => Init::SmallNormal(r.finite()?),
        };
        let seed = r.u64()?;
        let objective = read_objective(r, limits.points)?;
        check_objective(&objective).map_err(|_| Malformed("unusable training points"))?;
        let through_ode = r.bool()?;
        let (params, progress) = read_state(r, kinds.iter().map(|k| k.n_params()).sum())?;
        let flow = Flow::with_params(&kinds, &params, objective.direction())
            .ok_or(Malformed("parameters do not fit the stack"))?;
        let mut t = Trainer::assemble(flow, init, seed, progress, objective);
        t.through_ode = through_ode;
        Ok(t)
    }

    /// Writes what training changes: the parameters and the progress.
    pub fn write_state(&self, w: &mut Writer) {
        w.f64s(self.flow.params());
        let p = &self.progress;
        p.adam.write_words(w);
        p.adam_backup.write_words(w);
        w.f64s(&p.params_backup);
        w.u64(p.step);
        for s in [&p.rng, &p.eval_rng] {
            for x in s.state() {
                w.u64(x);
            }
        }
        write_hyper(w, &p.hyper);
        p.history.write_words(w);
        write_eval(w, p.last_eval);
        w.bool(p.loss_ref.is_some());
        w.f64(p.loss_ref.unwrap_or(0.0));
        w.usize(p.recovering as usize);
        w.f64(p.last_update);
        w.f64(p.seconds);
    }

    /// Puts a state written by [`Trainer::write_state`] (of a trainer with this stack) into this
    /// trainer; on any error nothing changes.
    pub fn adopt_state(&mut self, r: &mut Reader) -> Result<(), Malformed> {
        let (params, progress) = read_state(r, self.flow.params().len())?;
        self.flow.params_mut().copy_from_slice(&params);
        self.progress = progress;
        self.touch();
        Ok(())
    }
}

fn read_state(r: &mut Reader, n: usize) -> Result<(Vec<f64>, Progress), Malformed> {
    let params = r.f64s(n)?;
    let adam = Adam::read_words(r, n)?;
    let adam_backup = Adam::read_words(r, n)?;
    let params_backup = r.f64s(n)?;
    if params.len() != n || params_backup.len() != n {
        return Err(Malformed("parameter count differs from the stack"));
    }
    let step = r.u64()?;
    let mut streams = [[0u64; 4]; 2];
    for s in &mut streams {
        for x in s.iter_mut() {
            *x = r.u64()?;
        }
    }
    let [rng, eval_rng] = streams.map(Stream::from_state);
    let (Some(rng), Some(eval_rng)) = (rng, eval_rng) else {
        return Err(Malformed("a random stream is all zero"));
    };
    let hyper = read_hyper(r)?;
    let history = History::read_words(r, MAX_HISTORY)?;
    let last_eval = read_eval(r)?;
    let has_ref = r.bool()?;
    let loss_ref = r.f64()?;
    let recovering = r.usize(u32::MAX as usize)? as u32;
    let last_update = r.f64()?;
    let seconds = r.finite()?;
    Ok((
        params,
        Progress {
            adam,
            adam_backup,
            params_backup,
            step,
            rng,
            eval_rng,
            hyper,
            history,
            last_eval,
            loss_ref: has_ref.then_some(loss_ref),
            recovering,
            last_update,
            seconds: seconds.max(0.0),
        },
    ))
}

fn write_hyper(w: &mut Writer, h: &Hyper) {
    w.f64(h.lr);
    w.usize(h.batch);
    w.bool(h.clip.is_some());
    w.f64(h.clip.unwrap_or(0.0));
    match h.schedule {
        LrSchedule::Constant => w.usize(0),
        LrSchedule::Cosine { steps, floor } => {
            w.usize(1);
            w.u64(steps);
            w.f64(floor);
        }
    }
    w.u64(h.eval_every);
    w.usize(h.eval_samples);
}

fn read_hyper(r: &mut Reader) -> Result<Hyper, Malformed> {
    let lr = r.f64()?;
    let batch = r.usize(MAX_IMAGE_BATCH)?;
    let has_clip = r.bool()?;
    let clip = r.f64()?;
    let schedule = match r.usize(1)? {
        0 => LrSchedule::Constant,
        _ => LrSchedule::Cosine {
            steps: r.u64()?,
            floor: r.finite()?,
        },
    };
    let h = Hyper {
        lr,
        batch,
        clip: has_clip.then_some(clip),
        schedule,
        eval_every: r.u64()?,
        eval_samples: r.usize(MAX_IMAGE_BATCH)?,
    };
    // A divergence may have halved the rate below what a user may type: only what `new` checks.
    check_hyper(&h).map_err(|_| Malformed("unusable hyper-parameters"))?;
    Ok(h)
}

fn write_objective(w: &mut Writer, o: &Objective) {
    match o {
        Objective::MaxLikelihood { train, heldout } => {
            w.usize(0);
            for p in [train, heldout] {
                w.f64s(&p.x);
                w.f64s(&p.y);
            }
        }
        Objective::Energy { energy, annealing } => {
            w.usize(1);
            write_energy(w, energy);
            match *annealing {
                Annealing::Off => w.usize(0),
                Annealing::Linear { start, steps } => {
                    w.usize(1);
                    w.f64(start);
                    w.u64(steps);
                }
            }
        }
    }
}

fn read_objective(r: &mut Reader, max_points: usize) -> Result<Objective, Malformed> {
    Ok(match r.usize(1)? {
        0 => {
            let mut sets = [Points::default(), Points::default()];
            for p in &mut sets {
                p.x = r.f64s(max_points)?;
                p.y = r.f64s(max_points)?;
                if p.x.len() != p.y.len() {
                    return Err(Malformed("point coordinates differ in number"));
                }
            }
            let [train, heldout] = sets;
            if train.x.len() + heldout.x.len() > max_points {
                return Err(Malformed("too many points"));
            }
            Objective::MaxLikelihood { train, heldout }
        }
        _ => {
            let energy = read_energy(r)?;
            let annealing = match r.usize(1)? {
                0 => Annealing::Off,
                _ => Annealing::Linear {
                    start: r.finite()?,
                    steps: r.u64()?,
                },
            };
            Objective::Energy { energy, annealing }
        }
    })
}

impl Trainer {
    /// Whether a state written by [`Trainer::write_state`] would be adopted by this trainer
    /// (reads it without keeping it; `r` moves past it).
    pub fn check_state(&self, r: &mut Reader) -> Result<(), Malformed> {
        read_state(r, self.flow.params().len()).map(|_| ())
    }
}

/// A kind: its index in [`LayerKind::ALL`], or (continuous) `ALL.len()` then the field (0 for the
/// MLP, else the planar width), the scheme's index in [`Method::ALL`] and the steps.
fn write_kind(w: &mut Writer, k: LayerKind) {
    match k {
        LayerKind::Cnf(s) => {
            w.usize(LayerKind::ALL.len());
            w.usize(match s.field {
                CnfField::Mlp => 0,
                CnfField::Planar(m) => m as usize,
            });
            w.usize(Method::ALL.iter().position(|&m| m == s.method).unwrap_or(0));
            w.usize(s.steps as usize);
        }
        k => w.usize(LayerKind::ALL.iter().position(|&a| a == k).unwrap_or(0)),
    }
}

/// The kind [`write_kind`] wrote.
fn read_kind(r: &mut Reader) -> Result<LayerKind, Malformed> {
    let i = r.usize(LayerKind::ALL.len())?;
    if i < LayerKind::ALL.len() {
        return Ok(LayerKind::ALL[i]);
    }
    let field = match r.usize(u8::MAX as usize)? {
        0 => CnfField::Mlp,
        m => CnfField::Planar(m as u8),
    };
    let method = Method::ALL[r.usize(Method::ALL.len() - 1)?];
    let steps = r.usize(u8::MAX as usize)?.max(1) as u8;
    Ok(LayerKind::Cnf(CnfSpec {
        field,
        method,
        steps,
    }))
}

/// A paper energy as its index; a typed one as index 4, its text (one word per character)
/// and its quadrature.
fn write_energy(w: &mut Writer, e: &EnergyTarget) {
    match e {
        EnergyTarget::Paper(p) => w.usize(Energy::ALL.iter().position(|q| q == p).unwrap_or(0)),
        EnergyTarget::Typed(t) => {
            w.usize(Energy::ALL.len());
            let codes: Vec<f64> = t.text().chars().map(|c| f64::from(u32::from(c))).collect();
            w.f64s(&codes);
            let q = t.quadrature();
            for x in [q.log_z, q.error, q.edge_share] {
                w.f64(x);
            }
        }
    }
}

fn read_energy(r: &mut Reader) -> Result<EnergyTarget, Malformed> {
    let i = r.usize(Energy::ALL.len())?;
    if let Some(p) = Energy::ALL.get(i) {
        return Ok(EnergyTarget::Paper(*p));
    }
    let text: String = r
        .f64s(MAX_LEN)?
        .into_iter()
        .map(|c| {
            (c.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&c))
                .then(|| char::from_u32(c as u32))
                .flatten()
                .ok_or(Malformed("a typed energy's text is not characters"))
        })
        .collect::<Result<_, _>>()?;
    let quad = Quadrature {
        log_z: r.finite()?,
        error: r.finite()?,
        edge_share: r.finite()?,
    };
    TypedEnergy::with_quadrature(&text, quad)
        .map(EnergyTarget::from)
        .map_err(|_| Malformed("a typed energy's formula does not parse"))
}
