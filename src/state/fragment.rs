//! The URL fragment: [`encode`] a [`Config`] as readable `key=value&…` pairs, and [`decode`]
//! any text back into the best valid config plus plain-text warnings.
//!
//! One declarative table (module docs of [`crate::state`]) lists every key. Decoding is
//! tolerant: each key is read on its own, and a missing, malformed or out-of-range value keeps
//! its default with a warning such as `ignored 'lr=abc': not a number`. Unknown keys are
//! ignored with a warning; the first of duplicate keys wins. `%XX` escapes are decoded; a full
//! URL is accepted (everything up to the first `#` is skipped).
//!
//! **Bounded work.** Input past [`MAX_DECODE_INPUT`] bytes is cut (at the last `&` before the
//! limit) with a warning; at most [`MAX_POINTS`] points and [`MAX_LAYERS`] layers are read;
//! warnings are capped. Everything else is linear in the input, so any input decodes in
//! milliseconds.
//!
//! **Size.** [`MAX_URL_FRAGMENT`] = 60,000 characters is the longest fragment offered as a link:
//! it stays below Firefox's 65,536-character address-bar limit and Safari's ~80,000, far below
//! Chrome's 2 MB; the fragment is never sent to a server, so server limits (~8 KB) do not apply.
//! Longer states (e.g. 20,000 points, or a trained stack of more than four affine or two spline
//! coupling layers, whose conditioners are 12,648 / 20,040 characters each) should be saved as a
//! file: the file holds the same text, and [`decode`] reads it back (it accepts up to
//! [`MAX_DECODE_INPUT`], enough for the largest valid state). [`LinkFit::message`] says which
//! part made the link too long.

use std::borrow::Cow;

use crate::core::{Energy, LayerKind, Preset};

use super::base64;
use super::config::{
    anneal_steps_ok, batch_ok, center_ok, clip_ok, energy_slug, half_ok, lr_ok, n_ok, noise_ok,
    preset_slug, speed_ok, spf_ok, Config, EmbedConfig, Mode, Overlays, PresetInfo, Scale,
    TrainConfig, ViewConfig, ANNEAL_STEPS_PAPER, ANNEAL_STEPS_RANGE, BATCH_MAX, CLIP_MAX,
    FORMAT_VERSION, LR_MAX, MAX_HIDE, MAX_LAYERS, MAX_POINTS, NOISE_MAX, SPEED_MAX,
    STEPS_PER_FRAME_MAX,
};
use super::layers_codec::{decode_kinds, decode_params, encode_kinds, encode_params};
use super::lessons::{Compare, Lesson};
use super::points_codec::{decode_points, encode_points};
use super::text::{
    fmt_bool, fmt_f64, parse_bool, parse_f64, parse_u64, percent_decode, prefix_at_most, quote,
    thousands,
};
use super::warning::{Warning, Warnings};

/// Longest fragment offered as a shareable link (characters); see the module docs.
pub const MAX_URL_FRAGMENT: usize = 60_000;
/// Longest input [`decode`] reads (bytes); the rest is ignored with a warning. 2 MiB: the
/// largest valid state — 64 spline coupling layers' parameters (120,256 values, 1,282,731
/// characters) plus 20,000 points — is ~1.4 million characters, and a state saved as a file
/// must read back whole.
pub const MAX_DECODE_INPUT: usize = 2 << 20;

/// Every key, in the order [`encode`] writes them.
const KEYS: [&str; 29] = [
    "v", "mode", "n", "noise", "dseed", "K", "layers", "seed", "lr", "batch", "spf", "anneal",
    "asteps", "clip", "step", "stage", "play", "speed", "loop", "show", "scale", "view", "embed",
    "hide", "sel", "lesson", "cmp", "params", "pts",
];

/// The fragment for `config` (without the leading `#`). An invalid config is first repaired
/// as by [`Config::sanitize`]; use [`encode_with_warnings`] to learn what was repaired.
pub fn encode(config: &Config) -> String {
    encode_with_warnings(config).0
}

/// [`encode`], plus what had to be repaired (e.g. points outside the box clamped).
pub fn encode_with_warnings(config: &Config) -> (String, Vec<Warning>) {
    let mut w = Warnings::default();
    let repaired;
    let c = if config.check().is_ok() {
        config
    } else {
        let mut copy = config.clone();
        copy.sanitize_into(&mut w);
        repaired = copy;
        &repaired
    };
    let mut out = String::with_capacity(256 + c.points.len() * 5 + c.params.len() * 11);
    let mut put = |k: &str, v: &str| {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    };
    put("v", &FORMAT_VERSION.to_string());
    let preset = match c.mode {
        Mode::Points(None) => {
            put("mode", "draw");
            None
        }
        Mode::Points(Some(p)) => {
            put("mode", preset_slug(p.preset));
            put("n", &p.n.to_string());
            put("noise", &fmt_f64(p.noise));
            put("dseed", &p.seed.to_string());
            Some(p)
        }
        Mode::Energy(e) => {
            put("mode", energy_slug(e));
            None
        }
    };
    put("K", &c.kinds.len().to_string());
    put("layers", &encode_kinds(&c.kinds));
    put("seed", &c.seed.to_string());
    let t = &c.train;
    put("lr", &fmt_f64(t.lr));
    put("batch", &t.batch.to_string());
    put("spf", &t.steps_per_frame.to_string());
    put("anneal", fmt_bool(t.anneal));
    if t.anneal_steps != ANNEAL_STEPS_PAPER {
        put("asteps", &t.anneal_steps.to_string());
    }
    put("clip", &t.clip.map_or("off".to_string(), fmt_f64));
    put("step", &t.step.to_string());
    let v = &c.view;
    put("stage", &fmt_f64(v.stage));
    put("play", fmt_bool(v.playing));
    put("speed", &fmt_f64(v.speed));
    put("loop", fmt_bool(v.looping));
    let shown: Vec<&str> = Overlays::NAMES
        .iter()
        .zip(v.overlays.flags())
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .collect();
    put("show", &shown.join(","));
    put("scale", if v.scale == Scale::Log { "log" } else { "lin" });
    put(
        "view",
        &format!(
            "{},{},{}",
            fmt_f64(v.center[0]),
            fmt_f64(v.center[1]),
            fmt_f64(v.half_extent)
        ),
    );
    put("embed", fmt_bool(c.embed.embed));
    if !c.embed.hide.is_empty() {
        put("hide", &c.embed.hide.join(","));
    }
    if let Some(i) = v.selected {
        put("sel", &(i + 1).to_string());
    }
    if let Some(l) = c.lesson {
        put("lesson", l.slug());
    }
    if let Some(cmp) = c.compare {
        put("cmp", cmp.slug());
    }
    if !c.params.is_empty() {
        put("params", &base64::encode(&encode_params(&c.params)));
    }
    let from_preset = preset.is_some_and(|p| p.n == c.points.len() && p.generate() == c.points);
    if !from_preset && (preset.is_some() || !c.points.is_empty()) {
        let (bytes, clamped) = encode_points(&c.points);
        if clamped > 0 {
            w.add(
                "pts",
                format!("clamped {clamped} points to the coordinate box"),
            );
        }
        put("pts", &base64::encode(&bytes));
    }
    (out, w.finish())
}

/// Length in characters of [`encode`]`(config)`.
pub fn encoded_len(config: &Config) -> usize {
    encode(config).len()
}

/// Whether a fragment can be offered as a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkFit {
    /// Short enough for a link.
    Fits {
        /// Fragment length in characters.
        len: usize,
    },
    /// Longer than [`MAX_URL_FRAGMENT`]: offer a file export instead.
    TooLong {
        /// Fragment length in characters.
        len: usize,
        /// Characters of it taken by the raw parameters (`params` value).
        params_len: usize,
    },
}

impl LinkFit {
    /// True for [`LinkFit::Fits`].
    pub fn fits(&self) -> bool {
        matches!(self, LinkFit::Fits { .. })
    }

    /// A plain-text explanation when the state is too long for a link.
    pub fn message(&self) -> Option<String> {
        match *self {
            LinkFit::Fits { .. } => None,
            LinkFit::TooLong { len, params_len } if 2 * params_len > len => Some(format!(
                "This state needs a {}-character link, more than the {} that browsers reliably accept; \
                 {} of them are the layers' trained parameters (a coupling layer carries its whole \
                 conditioner network: 1,186 or 1,879 numbers). Export it as a file instead.",
                thousands(len),
                thousands(MAX_URL_FRAGMENT),
                thousands(params_len)
            )),
            LinkFit::TooLong { len, .. } => Some(format!(
                "This state needs a {}-character link, more than the {} that browsers reliably accept. \
                 Export it as a file instead (fewer points make the link shorter).",
                thousands(len),
                thousands(MAX_URL_FRAGMENT)
            )),
        }
    }
}

/// Whether `fragment` (as from [`encode`]) fits in a shareable link.
pub fn link_fit(fragment: &str) -> LinkFit {
    let len = fragment.len();
    if len <= MAX_URL_FRAGMENT {
        LinkFit::Fits { len }
    } else {
        let params_len = fragment
            .split('&')
            .find_map(|pair| pair.strip_prefix("params="))
            .map_or(0, str::len);
        LinkFit::TooLong { len, params_len }
    }
}

/// The best valid config `fragment` describes, and what was ignored. Never fails, never panics;
/// the returned config always satisfies [`Config::check`]. Accepts a bare fragment, one starting
/// with `#`, or a whole URL.
pub fn decode(fragment: &str) -> (Config, Vec<Warning>) {
    let mut w = Warnings::default();
    let mut s = match fragment.find('#') {
        Some(i) => &fragment[i + 1..],
        None => fragment,
    };
    if s.len() > MAX_DECODE_INPUT {
        w.add(
            "",
            format!(
                "the link is {} characters long; only the first {} were read",
                thousands(s.len()),
                thousands(MAX_DECODE_INPUT)
            ),
        );
        s = prefix_at_most(s, MAX_DECODE_INPUT);
        if let Some(j) = s.rfind('&') {
            s = &s[..j];
        }
    }
    let mut r = Reader {
        vals: Default::default(),
        w,
    };
    r.collect(s);
    let c = r.build();
    let Reader { w, .. } = r;
    (c, w.finish())
}

struct Reader<'a> {
    vals: [Option<Cow<'a, str>>; KEYS.len()],
    w: Warnings,
}

impl<'a> Reader<'a> {
    fn collect(&mut self, s: &'a str) {
        for pair in s.split('&') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(k);
            let key = key.trim();
            let idx = KEYS
                .iter()
                .position(|&x| x == key)
                .or_else(|| KEYS.iter().position(|x| x.eq_ignore_ascii_case(key)));
            match idx {
                Some(i) if self.vals[i].is_some() => {
                    self.w.add(
                        KEYS[i],
                        format!("ignored a second '{}': the first one is used", KEYS[i]),
                    );
                }
                Some(i) => self.vals[i] = Some(percent_decode(v)),
                None => self
                    .w
                    .add("", format!("ignored unknown setting '{}'", quote(pair))),
            }
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        let i = KEYS.iter().position(|&k| k == key)?;
        self.vals[i].as_deref().map(str::trim)
    }

    fn ignore(&mut self, key: &str, why: &str) {
        let v = self.get(key).unwrap_or("");
        let msg = format!("ignored '{}={}': {why}", key, quote(v));
        self.w.add(key, msg);
    }

    /// A finite number satisfying `ok`, else a warning and `None`.
    fn num(&mut self, key: &str, ok: impl Fn(f64) -> bool, range: &str) -> Option<f64> {
        let raw = self.get(key)?;
        match parse_f64(raw) {
            None => {
                self.ignore(key, "not a number");
                None
            }
            Some(v) if !ok(v) => {
                self.ignore(key, &format!("must be {range}"));
                None
            }
            Some(v) => Some(v),
        }
    }

    /// An unsigned integer satisfying `ok`, else a warning and `None`.
    fn uint(&mut self, key: &str, ok: impl Fn(u64) -> bool, range: &str) -> Option<u64> {
        let raw = self.get(key)?;
        match parse_u64(raw) {
            None => {
                self.ignore(key, "not a whole number");
                None
            }
            Some(v) if !ok(v) => {
                self.ignore(key, &format!("must be {range}"));
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A named choice read by `parse`, else a warning and `None`.
    fn slug<T>(&mut self, key: &str, parse: fn(&str) -> Option<T>, why: &str) -> Option<T> {
        let raw = self.get(key)?.to_ascii_lowercase();
        let v = parse(&raw);
        if v.is_none() {
            self.ignore(key, why);
        }
        v
    }

    fn flag(&mut self, key: &str) -> Option<bool> {
        let raw = self.get(key)?;
        let v = parse_bool(raw);
        if v.is_none() {
            self.ignore(key, "expected 1 or 0");
        }
        v
    }

    fn build(&mut self) -> Config {
        if let Some(v) = self.get("v") {
            match parse_u64(v) {
                Some(1) => {}
                Some(n) if n > u64::from(FORMAT_VERSION) => self.w.add(
                    "v",
                    format!("this link was made by a newer version (v={n}); settings this version does not know were ignored"),
                ),
                _ => self.ignore("v", "unknown version; read as version 1"),
            }
        }

        let mode = self.mode();
        let points = self.points(&mode);
        let kinds = self.kinds();
        let params = self.params();
        let seed = self.uint("seed", |_| true, "a whole number").unwrap_or(1);

        let d = TrainConfig::default();
        let train = TrainConfig {
            lr: self
                .num("lr", lr_ok, &format!("in (0, {LR_MAX}]"))
                .unwrap_or(d.lr),
            batch: self
                .uint(
                    "batch",
                    |b| b <= BATCH_MAX as u64 && batch_ok(b as usize),
                    &format!("1 to {BATCH_MAX}"),
                )
                .map_or(d.batch, |b| b as usize),
            steps_per_frame: self
                .uint(
                    "spf",
                    |v| v <= u64::from(u32::MAX) && spf_ok(v as u32),
                    &format!("1 to {STEPS_PER_FRAME_MAX}"),
                )
                .map_or(d.steps_per_frame, |v| v as u32),
            anneal: self.flag("anneal").unwrap_or(d.anneal),
            anneal_steps: self
                .uint(
                    "asteps",
                    |v| v <= u64::from(u32::MAX) && anneal_steps_ok(v as u32),
                    &format!("{} to {}", ANNEAL_STEPS_RANGE.0, ANNEAL_STEPS_RANGE.1),
                )
                .map_or(d.anneal_steps, |v| v as u32),
            clip: self.clip().unwrap_or(d.clip),
            step: self
                .uint("step", |_| true, "a whole number")
                .unwrap_or(d.step),
        };

        let dv = ViewConfig::for_layers(kinds.len());
        let view = ViewConfig {
            stage: self.num("stage", |_| true, "").unwrap_or(dv.stage),
            playing: self.flag("play").unwrap_or(dv.playing),
            speed: self
                .num("speed", speed_ok, &format!("in (0, {SPEED_MAX}]"))
                .unwrap_or(dv.speed),
            looping: self.flag("loop").unwrap_or(dv.looping),
            overlays: self.overlays().unwrap_or(dv.overlays),
            scale: self.scale().unwrap_or(dv.scale),
            center: dv.center,
            half_extent: dv.half_extent,
            selected: self
                .uint(
                    "sel",
                    |i| (1..=MAX_LAYERS as u64).contains(&i),
                    "a layer number",
                )
                .map(|i| i as usize - 1),
        };
        let (center, half_extent) = self.window().unwrap_or((view.center, view.half_extent));
        let view = ViewConfig {
            center,
            half_extent,
            ..view
        };

        let embed = EmbedConfig {
            embed: self.flag("embed").unwrap_or(false),
            hide: self.hide(),
        };

        let lesson = self.slug("lesson", Lesson::parse, "unknown lesson");
        let compare = self.slug(
            "cmp",
            Compare::parse,
            "unknown comparison (use kinds, depths or families)",
        );
        let mut c = Config {
            version: FORMAT_VERSION,
            mode,
            points,
            kinds,
            params,
            seed,
            train,
            view,
            embed,
            lesson,
            compare,
        };
        c.sanitize_into(&mut self.w);
        c
    }

    fn mode(&mut self) -> Mode {
        let default_preset = PresetInfo::new(Preset::TwoMoons);
        let mode = match self.get("mode").map(str::to_ascii_lowercase) {
            None => Mode::Points(Some(default_preset)),
            Some(m) => match parse_mode(&m) {
                Some(mode) => mode,
                None => {
                    self.ignore(
                        "mode",
                        "unknown mode (use draw, a preset such as moons, or u1 to u4)",
                    );
                    Mode::Points(Some(default_preset))
                }
            },
        };
        let Mode::Points(Some(p)) = mode else {
            for key in ["n", "noise", "dseed"] {
                if self.get(key).is_some() {
                    self.ignore(key, "only used with a preset mode");
                }
            }
            return mode;
        };
        let n = self
            .uint(
                "n",
                |n| n <= MAX_POINTS as u64 && n_ok(n as usize),
                &format!("1 to {MAX_POINTS}"),
            )
            .map_or(p.n, |n| n as usize);
        let noise = self
            .num("noise", noise_ok, &format!("between 0 and {NOISE_MAX}"))
            .unwrap_or(p.noise);
        let seed = self
            .uint("dseed", |_| true, "a whole number")
            .unwrap_or(p.seed);
        Mode::Points(Some(PresetInfo {
            preset: p.preset,
            n,
            noise,
            seed,
        }))
    }

    fn points(&mut self, mode: &Mode) -> Vec<[f64; 2]> {
        let regenerate = |mode: &Mode| match mode {
            Mode::Points(Some(p)) => p.generate(),
            _ => Vec::new(),
        };
        let Some(raw) = self.get("pts") else {
            return regenerate(mode);
        };
        let (bytes, bad_char) = match base64::decode(raw) {
            Ok(b) => (b, None),
            Err((b, e)) => (b, Some(e)),
        };
        let d = decode_points(&bytes, MAX_POINTS);
        let kept = d.points.len();
        if let Some(e) = bad_char {
            self.w.add(
                "pts",
                format!("the points data has an invalid character '{}' at {}; kept {kept} points before it", quote(&e.found.to_string()), e.position),
            );
        } else if let Some(problem) = &d.problem {
            self.w.add("pts", format!("{problem}; kept {kept} points"));
        } else if d.declared > kept as u64 {
            self.w.add(
                "pts",
                format!(
                    "the link has {} points; kept the first {MAX_POINTS}",
                    d.declared
                ),
            );
        }
        if d.clamped > 0 {
            self.w.add(
                "pts",
                format!("clamped {} points to the coordinate box", d.clamped),
            );
        }
        if kept == 0 && (bad_char.is_some() || d.problem.is_some()) {
            if let Mode::Points(Some(p)) = mode {
                self.w.add(
                    "pts",
                    format!(
                        "used the {} preset's points instead",
                        p.preset.display_name()
                    ),
                );
                return regenerate(mode);
            }
        }
        d.points
    }

    fn kinds(&mut self) -> Vec<LayerKind> {
        let from_k = self
            .uint(
                "K",
                |k| k <= MAX_LAYERS as u64,
                &format!("0 to {MAX_LAYERS}"),
            )
            .map(|k| k as usize);
        let from_layers = match self.get("layers").map(|s| decode_kinds(s, MAX_LAYERS)) {
            None => None,
            Some(Ok((kinds, cut))) => {
                if cut {
                    self.w
                        .add("layers", format!("kept the first {MAX_LAYERS} layers"));
                }
                Some(kinds)
            }
            Some(Err(e)) => {
                self.ignore("layers", &e);
                None
            }
        };
        match (from_layers, from_k) {
            (Some(kinds), Some(k)) if k != kinds.len() => {
                self.ignore("K", &format!("the layer list has {} layers", kinds.len()));
                kinds
            }
            (Some(kinds), _) => kinds,
            (None, Some(k)) => vec![LayerKind::Planar; k],
            (None, None) => Config::default_kinds(),
        }
    }

    fn params(&mut self) -> Vec<f64> {
        let Some(raw) = self.get("params") else {
            return Vec::new();
        };
        let parsed = match base64::decode(raw) {
            Ok(bytes) => decode_params(&bytes),
            Err((_, e)) => Err(format!(
                "invalid character '{}' at {}",
                quote(&e.found.to_string()),
                e.position
            )),
        };
        match parsed {
            Ok(p) => p,
            Err(e) => {
                self.w.add(
                    "params",
                    format!(
                        "ignored the parameters ({e}); they will be re-initialised from the seed"
                    ),
                );
                Vec::new()
            }
        }
    }

    /// The hide list as written (validated later by `sanitize`); an absurdly long list is cut.
    fn hide(&mut self) -> Vec<String> {
        let Some(raw) = self.get("hide") else {
            return Vec::new();
        };
        let mut entries: Vec<String> = Vec::new();
        let mut more = 0usize;
        for h in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if entries.len() < 2 * MAX_HIDE {
                entries.push(h.to_string());
            } else {
                more += 1;
            }
        }
        if more > 0 {
            self.w.add(
                "hide",
                format!("ignored {more} more hide entries: at most {MAX_HIDE} are used"),
            );
        }
        entries
    }

    fn clip(&mut self) -> Option<Option<f64>> {
        let raw = self.get("clip")?;
        if matches!(
            raw.to_ascii_lowercase().as_str(),
            "off" | "none" | "0" | "no"
        ) {
            return Some(None);
        }
        let v = self.num(
            "clip",
            |c| clip_ok(Some(c)),
            &format!("off or in (0, {CLIP_MAX:e}]"),
        )?;
        Some(Some(v))
    }

    fn overlays(&mut self) -> Option<Overlays> {
        let raw = self.get("show")?.to_string();
        let mut o = Overlays::none();
        for name in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match o.flag_mut(&name.to_ascii_lowercase()) {
                Some(f) => *f = true,
                None => self
                    .w
                    .add("show", format!("ignored unknown overlay '{}'", quote(name))),
            }
        }
        Some(o)
    }

    fn scale(&mut self) -> Option<Scale> {
        let raw = self.get("scale")?;
        match raw.to_ascii_lowercase().as_str() {
            "lin" | "linear" => Some(Scale::Linear),
            "log" => Some(Scale::Log),
            _ => {
                self.ignore("scale", "expected lin or log");
                None
            }
        }
    }

    fn window(&mut self) -> Option<([f64; 2], f64)> {
        let raw = self.get("view")?;
        let nums: Vec<Option<f64>> = raw.split(',').take(4).map(parse_f64).collect();
        match nums[..] {
            [Some(x), Some(y), Some(h)] if center_ok(x) && center_ok(y) && half_ok(h) => {
                Some(([x, y], h))
            }
            [Some(_), Some(_), Some(_)] => {
                self.ignore("view", "centre or half-width out of range");
                None
            }
            _ => {
                self.ignore(
                    "view",
                    "expected three numbers: centre x, centre y, half-width",
                );
                None
            }
        }
    }
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
        .map(Mode::Energy)
}

impl Config {
    /// The default layer kinds (16 planar).
    pub(crate) fn default_kinds() -> Vec<LayerKind> {
        vec![LayerKind::Planar; 16]
    }
}
