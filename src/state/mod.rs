//! Everything a shared link must reproduce — points, layer stack and parameters, seed, objective,
//! hyper-parameters, view options — as plain data, plus its tolerant codec. Pure: no browser types.
//!
//! The URL fragment, local storage and the "save as file" fallback all use the same codec:
//! [`encode`] a [`Config`] into readable `key=value&…` text, [`decode`] any text back into the
//! best valid config plus plain-text [`Warning`]s (never a panic, never an error, bounded work).
//! Points and models also import and export as CSV/JSON ([`parse_points`], [`model_from_json`]).
//!
//! | file | owns |
//! |---|---|
//! | `config` | [`Config`] and its parts, defaults (the app's first view), ranges, `check`/`sanitize` |
//! | `fragment` | the link: [`encode`], [`decode`], [`link_fit`], size limits |
//! | `points_codec` | quantized, compact binary points (fixed width or delta + Rice) |
//! | `layers_codec` | layer kinds as `16p`/`4p2r`/`abab`, raw parameters as `f64` bytes |
//! | `base64` | unpadded base64url, lenient decoder |
//! | `csv`, `points_json` | points import (line-numbered problems) and exact export |
//! | `model_json` | the model (kinds + raw parameters, constrained values for readers) |
//! | `import` | import errors, binary/size checks, append-or-replace |
//! | `points_import` | points from a file of either format (format sniffing) |
//! | `lesson_setup` | the state each lesson sets up |
//! | `json`, `text`, `warning` | a tiny JSON reader; number formatting and parsing; warnings |
//! | `decimal` | decimal text to `f64`, correctly rounded, without the standard parser's tables |
//! | `embed_msg` | an embed's control API: commands from the parent page, events back |
//!
//! ## Fragment keys (format version 1)
//!
//! Every key is optional; a missing or bad value keeps its default. [`encode`] writes them in
//! this order, the bulky base64url ones last (a truncated link loses those first).
//!
//! | key | value | default | meaning |
//! |---|---|---|---|
//! | `v` | `1` | 1 | format version |
//! | `mode` | `draw`, a preset (`moons 8gaussians circles rings pinwheel spirals checkerboard swissroll`), `u1`–`u4` | `moons` | objective: points (drawn or preset) or an energy |
//! | `n` | `1..=20000` | 1000 | preset: number of points |
//! | `noise` | `[0, 10]` | preset's | preset: jitter |
//! | `dseed` | u64 | 1 | preset: generator seed |
//! | `K` | `0..=64` | 16 | number of layers (checked against `layers`; alone it means `K` planar layers) |
//! | `layers` | runs like `16p`, `prpr`, `4p2r`, `abab` | `16p` | layer kinds (p planar, r radial, s Sylvester, a/b affine coupling keeping x/y, n/m spline coupling keeping x/y) |
//! | `seed` | u64 | 1 | model seed (initialisation, trainer RNG) |
//! | `lr` | `(0, 10]` | 0.005 | learning rate |
//! | `batch` | `1..=8192` | 512 | minibatch size |
//! | `spf` | `1..=1000` | 5 | training steps per frame |
//! | `anneal` | `1`/`0` | 1 | anneal β (energy mode) |
//! | `asteps` | `10..=1000000` | 10000 | annealing length in steps (written only when not 10000) |
//! | `clip` | `(0, 1e6]` or `off` | 100 | gradient-norm clip |
//! | `step` | u64 | 0 | training steps taken |
//! | `stage` | `[0, K]` | K | stage shown (fractional allowed) |
//! | `play` | `1`/`0` | 0 | timeline playing |
//! | `speed` | `(0, 100]` | 1 | stages per second |
//! | `loop` | `1`/`0` | 0 | timeline loops |
//! | `show` | comma list of `grid particles data contours volume stretch` | `grid,data` | overlays |
//! | `scale` | `lin`/`log` | `lin` | density scale |
//! | `view` | `cx,cy,half` | `0,0,4` | view window |
//! | `embed` | `1`/`0` | 0 | embed mode: canvas and timeline only |
//! | `hide` | comma list of `[a-z0-9-]{1,32}`, ≤ 32 | — | control groups to hide |
//! | `sel` | `1..=K` | — | the layer open in the layer editor (its handles show at its input stage) |
//! | `lesson` | `fig3-u1`…`fig3-u4`, `planar-vs-radial`, `one-layer`, `constraint`, `coupling-won` | — | the lesson shown (its caption) |
//! | `cmp` | `kinds` (planar vs radial), `depths` (K = 2, 8, 32), `families` (planar 32, affine 8, spline 4) | — | comparison beside the main view |
//! | `params` | base64url of little-endian `f64`s | — (seeded init) | raw parameters, exact |
//! | `pts` | base64url of [`points_codec`] | — (preset's points) | points, quantized to 1/1024 |
//!
//! With a preset `mode`, `pts` is written only when the points differ from what the preset
//! generates, so an untouched preset link stays ~210 characters.

pub mod base64;
pub mod config;
pub mod csv;
pub mod decimal;
pub mod embed_msg;
pub mod fragment;
pub mod import;
mod json;
pub mod layers_codec;
pub mod lesson_setup;
pub mod lessons;
pub mod model_json;
pub mod points_codec;
pub mod points_import;
pub mod points_json;
pub mod text;
pub mod warning;

pub use config::{
    energy_slug, preset_slug, Config, EmbedConfig, Mode, Overlays, PresetInfo, Scale, TrainConfig,
    ViewConfig, ANNEAL_STEPS_FAST, ANNEAL_STEPS_PAPER, FORMAT_VERSION, MAX_HIDE, MAX_LAYERS,
    MAX_POINTS,
};
pub use csv::{parse_points_csv, points_to_csv};
pub use fragment::{
    decode, encode, encode_with_warnings, encoded_len, link_fit, LinkFit, MAX_DECODE_INPUT,
    MAX_URL_FRAGMENT,
};
pub use import::{
    merge_points, ImportError, ImportMode, LineError, PointsImport, MAX_IMPORT_BYTES,
};
pub use lessons::{Compare, CompareEntry, Lesson};
pub use model_json::{model_from_json, model_to_json, MODEL_FORMAT};
pub use points_codec::quantize_point;
pub use points_import::parse_points;
pub use points_json::{parse_points_json, points_to_json};
pub use warning::{notice, Warning};
