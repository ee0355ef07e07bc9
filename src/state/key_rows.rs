//! The functions of the rows of the link's table (`keys.rs`) that do more than read or write one
//! number: the objective and its preset, the stack, the window, lists, and the bulky payloads.
//! Each is named for its key and its role (`read_…`, `write_…`, `…_ok`, `repair_…`).

use crate::core::{Energy, EnergyTarget, Preset, TypedEnergy};

use super::config::{
    energy_slug, preset_slug, Config, Mode, Overlays, PresetInfo, Scale, SOLVER_ERROR_PICTURE,
};
use super::key_read::Raw;
use super::layers_codec::decode_kinds;
use super::numtext::thousands;
use super::ranges::{
    max_batch, train_bytes, Whole, BATCH, CENTER, CLIP, FORMAT_VERSION, HALF_EXTENT, HIDE_ENTRIES,
    LAYERS, NOISE, PRESET_N, TRAIN_BUDGET_BYTES,
};
use super::text::{fmt_f64, is_identifier, parse_f64, parse_u64, percent_encode, quote};
use super::warning::Warnings;

/// `ignored lr = 20: must be in (0, 1000000]`, the repair message of a value out of range.
pub(crate) fn ignored_value(key: &str, value: &str, range: &str) -> String {
    format!("ignored {key} = {value}: must be {range}")
}

fn most_layers() -> usize {
    LAYERS.hi as usize
}

// ---- v

pub(crate) fn read_version(_: &mut Config, r: &mut Raw) {
    let Some(v) = r.get("v") else { return };
    match parse_u64(v) {
        Some(1) => {}
        Some(n) if n > u64::from(FORMAT_VERSION) => r.w.add(
            "v",
            format!("this link was made by a newer version (v={n}); settings this version does not know were ignored"),
        ),
        _ => r.ignore("v", "unknown version; read as version 1"),
    }
}

// ---- mode and its preset

/// The preset, if the target is one.
pub(crate) fn preset(c: &Config) -> Option<PresetInfo> {
    match c.mode {
        Mode::Points(Some(p)) => Some(p),
        _ => None,
    }
}

fn preset_mut(c: &mut Config) -> Option<&mut PresetInfo> {
    match &mut c.mode {
        Mode::Points(Some(p)) => Some(p),
        _ => None,
    }
}

pub(crate) fn write_mode(c: &Config) -> Option<String> {
    Some(match &c.mode {
        Mode::Points(None) => "draw".to_string(),
        Mode::Points(Some(p)) => preset_slug(p.preset).to_string(),
        Mode::Energy(EnergyTarget::Paper(e)) => energy_slug(*e).to_string(),
        Mode::Energy(EnergyTarget::Typed(_)) => TYPED_MODE.to_string(),
    })
}

fn parse_mode(m: &str) -> Option<Mode> {
    if matches!(m, "draw" | "points" | "none") {
        return Some(Mode::Points(None));
    }
    if let Some(p) = Preset::ALL.into_iter().find(|&p| preset_slug(p) == m) {
        return Some(Mode::Points(Some(PresetInfo::new(p))));
    }
    Energy::ALL
        .into_iter()
        .find(|&e| energy_slug(e) == m)
        .map(|e| Mode::Energy(e.into()))
}

/// The `mode` of a typed energy, whose formula is the key `u`.
pub(crate) const TYPED_MODE: &str = "typed";

pub(crate) fn read_mode(c: &mut Config, r: &mut Raw) {
    let Some(m) = r.get("mode").map(str::to_ascii_lowercase) else {
        return;
    };
    if m == TYPED_MODE {
        read_typed(c, r);
        return;
    }
    match parse_mode(&m) {
        Some(mode) => c.mode = mode,
        None => r.ignore(
            "mode",
            "unknown mode (use draw, a preset such as moons, or u1 to u4)",
        ),
    }
}

/// `mode=typed`: the energy is the formula `u` (checked as the target menu checks it).
fn read_typed(c: &mut Config, r: &mut Raw) {
    let Some(text) = r.get("u").map(str::to_string) else {
        r.ignore("mode", "mode=typed needs its formula as u=…");
        return;
    };
    match TypedEnergy::new(&text) {
        Ok(t) => c.mode = Mode::Energy(t.into()),
        Err(e) => {
            let why = format!(
                "the typed energy U = {} cannot be fitted: {e}",
                quote(&text)
            );
            r.ignore("u", &why);
        }
    }
}

/// The formula of a typed energy, percent-encoded (read by [`read_mode`]).
pub(crate) fn write_formula(c: &Config) -> Option<String> {
    match &c.mode {
        Mode::Energy(EnergyTarget::Typed(t)) => Some(percent_encode(t.text())),
        _ => None,
    }
}

/// The preset to change for a preset key, or a warning that the key needs a preset mode.
fn preset_for<'c>(c: &'c mut Config, r: &mut Raw, key: &str) -> Option<&'c mut PresetInfo> {
    r.get(key)?;
    if preset(c).is_none() {
        r.ignore(key, "only used with a preset mode");
        return None;
    }
    preset_mut(c)
}

pub(crate) fn read_preset_n(c: &mut Config, r: &mut Raw) {
    if let Some(p) = preset_for(c, r, "n") {
        if let Some(n) = r.uint("n", Some(PRESET_N)) {
            p.n = n as usize;
        }
    }
}

pub(crate) fn read_preset_noise(c: &mut Config, r: &mut Raw) {
    if let Some(p) = preset_for(c, r, "noise") {
        if let Some(v) = r.real("noise", NOISE) {
            p.noise = v;
        }
    }
}

pub(crate) fn read_preset_seed(c: &mut Config, r: &mut Raw) {
    if let Some(p) = preset_for(c, r, "dseed") {
        if let Some(v) = r.uint("dseed", None) {
            p.seed = v;
        }
    }
}

pub(crate) fn repair_preset_n(c: &mut Config, w: &mut Warnings) {
    if let Some(p) = preset_mut(c).filter(|p| !PRESET_N.contains(p.n as u64)) {
        w.add(
            "n",
            format!(
                "ignored n = {}: a preset has {} points",
                p.n,
                PRESET_N.describe()
            ),
        );
        p.n = p.n.clamp(1, PRESET_N.hi as usize);
    }
}

pub(crate) fn repair_preset_noise(c: &mut Config, w: &mut Warnings) {
    if let Some(p) = preset_mut(c).filter(|p| !NOISE.contains(p.noise)) {
        w.add(
            "noise",
            ignored_value("noise", &fmt_f64(p.noise), &NOISE.describe()),
        );
        p.noise = p.preset.default_noise();
    }
}

// ---- the stack

pub(crate) fn read_k(c: &mut Config, r: &mut Raw) {
    let range = Whole {
        lo: 0,
        hi: LAYERS.hi,
    };
    if let Some(k) = r.uint("K", Some(range)) {
        r.k_given = Some(k as usize);
        c.kinds = vec![crate::core::LayerKind::Planar; k as usize];
    }
}

pub(crate) fn read_layers(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("layers") else { return };
    match decode_kinds(raw, most_layers()) {
        Ok((kinds, cut)) => {
            if cut {
                r.w.add("layers", format!("kept the first {} layers", most_layers()));
            }
            if r.k_given.is_some_and(|k| k != kinds.len()) {
                r.ignore("K", &format!("the layer list has {} layers", kinds.len()));
            }
            c.kinds = kinds;
        }
        Err(e) => r.ignore("layers", &e),
    }
}

pub(crate) fn repair_layers(c: &mut Config, w: &mut Warnings) {
    if c.kinds.len() > most_layers() {
        w.add(
            "layers",
            format!(
                "kept the first {} of {} layers",
                most_layers(),
                c.kinds.len()
            ),
        );
        c.kinds.truncate(most_layers());
    }
}

pub(crate) fn repair_batch(c: &mut Config, w: &mut Warnings) {
    let b = c.train.batch;
    if !BATCH.contains(b as u64) {
        w.add(
            "batch",
            ignored_value("batch", &b.to_string(), &BATCH.describe()),
        );
        c.train.batch = super::config::TrainConfig::default().batch;
    }
    let most = max_batch(&c.kinds);
    if c.train.batch > most {
        let mb = |bytes: usize| bytes.div_ceil(1 << 20);
        w.add(
            "batch",
            format!(
                "used batch = {most}, not {}: training these {} layers on {} points at a time needs ~{} MB, more than the {} MB a page may use",
                c.train.batch,
                c.kinds.len(),
                thousands(c.train.batch),
                mb(train_bytes(&c.kinds, c.train.batch)),
                mb(TRAIN_BUDGET_BYTES)
            ),
        );
        c.train.batch = most;
    }
}

pub(crate) fn read_clip(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("clip") else { return };
    if matches!(
        raw.to_ascii_lowercase().as_str(),
        "off" | "none" | "0" | "no"
    ) {
        c.train.clip = None;
        return;
    }
    let range = format!("off or {}", CLIP.describe());
    match parse_f64(raw) {
        Some(v) if CLIP.contains(v) => c.train.clip = Some(v),
        Some(_) => r.ignore("clip", &format!("must be {range}")),
        None => r.ignore("clip", "not a number"),
    }
}

// ---- the view

pub(crate) fn repair_stage(c: &mut Config, w: &mut Warnings) {
    let k = c.kinds.len() as f64;
    let v = &mut c.view;
    if v.stage.is_nan() {
        w.add("stage", "ignored a stage that is not a number");
        v.stage = k;
    } else if !(0.0..=k).contains(&v.stage) {
        w.add(
            "stage",
            format!("stage {} is outside [0, {k}]; clamped", fmt_f64(v.stage)),
        );
        v.stage = v.stage.clamp(0.0, k);
    }
}

pub(crate) fn write_show(c: &Config) -> Option<String> {
    let shown: Vec<&str> = Overlays::NAMES
        .iter()
        .zip(c.view.overlays.flags())
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .collect();
    Some(shown.join(","))
}

pub(crate) fn read_show(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("show").map(str::to_string) else {
        return;
    };
    let mut o = Overlays::none();
    for name in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match o.flag_mut(&name.to_ascii_lowercase()) {
            Some(f) => *f = true,
            None => {
                r.w.add("show", format!("ignored unknown overlay '{}'", quote(name)))
            }
        }
    }
    c.view.overlays = o;
}

pub(crate) fn write_scale(c: &Config) -> Option<String> {
    Some(
        if c.view.scale == Scale::Log {
            "log"
        } else {
            "lin"
        }
        .to_string(),
    )
}

pub(crate) fn read_scale(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("scale") else { return };
    match raw.to_ascii_lowercase().as_str() {
        "lin" | "linear" => c.view.scale = Scale::Linear,
        "log" => c.view.scale = Scale::Log,
        _ => r.ignore("scale", "expected lin or log"),
    }
}

pub(crate) fn write_trace(c: &Config) -> Option<String> {
    match c.view.trace_probes {
        0 => None,
        SOLVER_ERROR_PICTURE => Some("error".into()),
        n => Some(format!("h{n}")),
    }
}

pub(crate) fn read_trace(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("trace") else { return };
    match raw.to_ascii_lowercase().as_str() {
        "exact" => c.view.trace_probes = 0,
        "h1" => c.view.trace_probes = 1,
        "h10" => c.view.trace_probes = 10,
        "error" => c.view.trace_probes = SOLVER_ERROR_PICTURE,
        _ => r.ignore("trace", "expected exact, h1, h10 or error"),
    }
}

pub(crate) fn window_ok(c: &Config) -> bool {
    let v = &c.view;
    CENTER.contains(v.center[0])
        && CENTER.contains(v.center[1])
        && HALF_EXTENT.contains(v.half_extent)
}

pub(crate) fn read_window(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("view") else { return };
    let nums: Vec<Option<f64>> = raw.split(',').take(4).map(parse_f64).collect();
    match nums[..] {
        [Some(x), Some(y), Some(h)]
            if CENTER.contains(x) && CENTER.contains(y) && HALF_EXTENT.contains(h) =>
        {
            c.view.center = [x, y];
            c.view.half_extent = h;
        }
        [Some(_), Some(_), Some(_)] => r.ignore("view", "centre or half-width out of range"),
        _ => r.ignore(
            "view",
            "expected three numbers: centre x, centre y, half-width",
        ),
    }
}

pub(crate) fn repair_sel(c: &mut Config, w: &mut Warnings) {
    if let Some(i) = c.view.selected.filter(|&i| i >= c.kinds.len()) {
        w.add(
            "sel",
            format!(
                "ignored sel = {}: there are only {} layers",
                i + 1,
                c.kinds.len()
            ),
        );
        c.view.selected = None;
    }
}

// ---- the page

/// The hide list as written (validated by its repair); an absurdly long list is cut.
pub(crate) fn read_hide(c: &mut Config, r: &mut Raw) {
    let Some(raw) = r.get("hide") else { return };
    let most = HIDE_ENTRIES.hi as usize;
    let mut entries: Vec<String> = Vec::new();
    let mut more = 0usize;
    for h in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if entries.len() < 2 * most {
            entries.push(h.to_string());
        } else {
            more += 1;
        }
    }
    if more > 0 {
        r.w.add(
            "hide",
            format!("ignored {more} more hide entries: at most {most} are used"),
        );
    }
    c.embed.hide = entries;
}

pub(crate) fn hide_ok(c: &Config) -> bool {
    let h = &c.embed.hide;
    h.len() <= HIDE_ENTRIES.hi as usize
        && h.iter().all(|s| is_identifier(s))
        && !h.iter().enumerate().any(|(i, s)| h[..i].contains(s))
}

pub(crate) fn repair_hide(c: &mut Config, w: &mut Warnings) {
    let most = HIDE_ENTRIES.hi as usize;
    let mut hide: Vec<String> = Vec::new();
    for h in std::mem::take(&mut c.embed.hide) {
        if !is_identifier(&h) {
            w.add(
                "hide",
                format!("ignored hide entry '{}': use a-z, 0-9 and -", quote(&h)),
            );
        } else if hide.len() >= most {
            w.add(
                "hide",
                format!("ignored hide entry '{}': at most {most} entries", quote(&h)),
            );
        } else if !hide.contains(&h) {
            hide.push(h);
        }
    }
    c.embed.hide = hide;
}
