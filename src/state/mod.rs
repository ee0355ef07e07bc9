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
//! | `keys` | **the table of link keys**: names, ranges, defaults, meanings, owners; write/read/check/repair per key |
//! | `ranges` | every bound of the link (the keys' ranges) and the memory budget |
//! | `key_read`, `key_rows`, `key_payloads` | the table's reader of raw values; the rows' functions that do more than one number; the `params` and `pts` rows |
//! | `config` | [`Config`] and its parts, defaults (the app's first view); `check`/`sanitize` run the table |
//! | `fragment` | the link: [`encode`], [`decode`], [`link_fit`], size limits |
//! | `points_codec` | quantized, compact binary points (fixed width or delta + Rice) |
//! | `layers_codec` | layer kinds as `16p`/`4p2r`/`abab`, raw parameters as `f64` bytes |
//! | `base64` | unpadded base64url, lenient decoder |
//! | `csv`, `points_json` | points import (line-numbered problems) and exact export |
//! | `model_json` | the model (kinds + raw parameters, constrained values for readers) |
//! | `import` | import errors, binary/size checks, append-or-replace |
//! | `points_import` | points from a file of either format (format sniffing) |
//! | `lesson_setup` | the state each lesson sets up |
//! | `json`, `text`, `warning` | a tiny JSON reader; the codecs' exact number text and strict parsing; warnings |
//! | `numtext` | numbers as text for display (`num`, `fmt_lr`, `fmt_edit`, `thousands`), for every layer above |
//! | `decimal` | re-exported from `core::decimal` (the formula parser needs it too): decimal text to `f64`, correctly rounded, without the standard parser's tables |
//! | `embed_msg` | an embed's control API: commands from the parent page, events back |
//! | `embed_file` | the downloadable single-file embed: the app's address and a state baked into `embed.html` |
//!
//! ## The link's keys
//!
//! One table, [`keys::KEYS`] (`keys.rs`): each key's name, values, default, meaning and owner,
//! and the functions that write, read, check and repair it. `README.md` ("Links") lists the
//! keys for users; a test (`tests/state_link_table.rs`) checks that list against the table.

pub mod authored;
pub mod base64;
pub mod config;
pub mod csv;
pub use crate::core::decimal;
pub mod embed_file;
pub mod embed_msg;
pub mod energy_gallery;
pub mod fragment;
pub mod import;
mod json;
mod key_payloads;
pub mod key_read;
mod key_rows;
pub mod keys;
pub mod layers_codec;
pub mod lesson_setup;
pub mod lessons;
pub mod model_json;
pub mod numtext;
pub mod points_codec;
pub mod points_import;
pub mod points_json;
pub mod ranges;
pub mod text;
pub mod warning;

pub use config::{
    energy_slug, preset_slug, Config, EmbedConfig, Mode, Overlays, PresetInfo, Scale, TrainConfig,
    ViewConfig, ANNEAL_STEPS_FAST, ANNEAL_STEPS_PAPER, FORMAT_VERSION, LR_MAX, MAX_HIDE,
    MAX_LAYERS, MAX_POINTS, SOLVER_ERROR_PICTURE,
};
pub use csv::{parse_points_csv, points_to_csv};
pub use energy_gallery::{GalleryEnergy, GALLERY};
pub use fragment::{
    decode, encode, encode_with_warnings, encoded_len, link_fit, LinkFit, MAX_DECODE_INPUT,
    MAX_URL_FRAGMENT,
};
pub use import::{
    merge_points, ImportError, ImportMode, LineError, PointsImport, MAX_IMPORT_BYTES,
};
pub use keys::{Key, Owner, KEYS};
pub use lessons::{Compare, CompareEntry, Lesson, RESIDUAL_SIZES};
pub use model_json::{model_from_json, model_to_json, MODEL_FORMAT};
pub use points_codec::quantize_point;
pub use points_import::parse_points;
pub use points_json::{parse_points_json, points_to_json};
pub use ranges::{max_batch, train_bytes, TRAIN_BUDGET_BYTES};
pub use warning::{notice, Warning};
