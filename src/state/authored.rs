//! Lessons a lecturer authors: a title and a sequence of steps, each a complete state (the text
//! a link holds), a caption and an optional action on arrival. One JSON shape serves the file
//! and the link. The link is `authored-z=` and the JSON deflated (raw deflate, RFC 1951: the
//! browser's `CompressionStream` does it; steps repeat most of their state, so a lesson shrinks
//! several-fold) in base64url, or `authored=` and the JSON itself in base64url where a browser
//! cannot compress; with a plain message when a lesson is too long for a link (a file holds any
//! size).
//!
//! ```json
//! {"format": "flow-playground-lesson", "version": 1, "title": "…",
//!  "steps": [{"state": "v=1&mode=moons&…", "caption": "…", "action": "play"}]}
//! ```
//!
//! Actions: `"none"`, `"play"` (play the layers), `"train:N"` (train N steps), `"stage:S"` (go to
//! stage S), `"start"` (start training as the step's lesson does), `"reach:X"` (train until the
//! held-out NLL or the free energy is at most X), `"probe:X,Y"` (probe that point). The
//! built-in lessons are lessons of this format ([`AuthoredLesson::builtin`]): one step each,
//! their state and caption, action `"start"`. Bounded: at most [`MAX_STEPS`] steps, captions of
//! [`MAX_CAPTION`] characters, a title of [`MAX_TITLE`]; each step's state is read as any link
//! is (tolerantly) when shown.

use super::base64;
use super::fragment;
use super::fragment::MAX_URL_FRAGMENT;
use super::json::{self, Json, Parser};
use super::lessons::Lesson;
use super::text::{fmt_f64, parse_f64, parse_u64};

/// The file's `format` value.
pub const LESSON_FORMAT: &str = "flow-playground-lesson";
/// Most steps in a lesson.
pub const MAX_STEPS: usize = 60;
/// Longest caption (characters).
pub const MAX_CAPTION: usize = 2000;
/// Longest title (characters).
pub const MAX_TITLE: usize = 120;
/// Most training steps an arrival may ask for.
pub const MAX_TRAIN: u64 = 100_000;
/// The link key of an authored lesson (its JSON in base64url).
pub const LINK_KEY: &str = "authored=";
/// The link key of an authored lesson whose JSON is deflated (then base64url).
pub const LINK_KEY_Z: &str = "authored-z=";
/// What a lesson link adds to embed the lesson (canvas, timeline and the step caption).
pub const EMBED_FLAG: &str = "embed=1";
/// Longest lesson JSON a link may inflate to (a file may be as long as an import).
pub const MAX_INFLATED: usize = 4 << 20;

/// What a lesson link holds, before any inflating.
#[derive(Debug)]
pub enum LessonLink {
    /// The lesson (or why it cannot be read).
    Plain(Result<AuthoredLesson, String>),
    /// Deflated JSON to inflate, then read with [`AuthoredLesson::from_inflated`].
    Deflated(Vec<u8>),
    /// A damaged link.
    Damaged(String),
}

/// What happens when a step is shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepAction {
    /// Nothing: the state as it is.
    None,
    /// Play the layers from stage 0.
    Play,
    /// Train this many steps, then pause.
    Train(u64),
    /// Go to this stage.
    Stage(f64),
    /// Start training as the step's lesson does (a built-in lesson's comparison too), or plainly.
    Start,
    /// Train until the held-out NLL (points) or the free energy (energies) is at most this, or
    /// [`MAX_TRAIN`] steps.
    Reach(f64),
    /// Probe this point (data space, at the step's stage): the ledger of its path.
    Probe(f64, f64),
}

impl StepAction {
    /// The action as the file writes it.
    pub fn text(self) -> String {
        match self {
            StepAction::None => "none".into(),
            StepAction::Play => "play".into(),
            StepAction::Train(n) => format!("train:{n}"),
            StepAction::Stage(s) => format!("stage:{}", fmt_f64(s)),
            StepAction::Start => "start".into(),
            StepAction::Reach(x) => format!("reach:{}", fmt_f64(x)),
            StepAction::Probe(x, y) => format!("probe:{},{}", fmt_f64(x), fmt_f64(y)),
        }
    }

    /// Reads an action (`None` if it is not one).
    pub fn parse(s: &str) -> Option<StepAction> {
        Some(match s.trim() {
            "" | "none" => StepAction::None,
            "play" => StepAction::Play,
            "start" => StepAction::Start,
            t => match t.split_once(':')? {
                ("reach", x) => {
                    StepAction::Reach(parse_f64(x).filter(|x| x.is_finite() && x.abs() <= 1e3)?)
                }
                ("probe", xy) => {
                    let (x, y) = xy.split_once(',')?;
                    let coord = |v: &str| parse_f64(v.trim()).filter(|v| v.abs() <= 100.0);
                    StepAction::Probe(coord(x)?, coord(y)?)
                }
                ("train", n) => {
                    StepAction::Train(parse_u64(n).filter(|n| (1..=MAX_TRAIN).contains(n))?)
                }
                ("stage", s) => {
                    StepAction::Stage(parse_f64(s).filter(|s| (0.0..=64.0).contains(s))?)
                }
                _ => return None,
            },
        })
    }
}

/// One step: a state, its caption and what happens on arrival.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonStep {
    /// The state, as the text of a link (without `#`).
    pub state: String,
    /// Plain text, `*emphasis*` and inline math written as text.
    pub caption: String,
    /// On arrival.
    pub action: StepAction,
}

/// An authored lesson.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuthoredLesson {
    /// Its title.
    pub title: String,
    /// Its steps, in order.
    pub steps: Vec<LessonStep>,
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl AuthoredLesson {
    /// Built-in lessons in this format: a step each (the state it sets up, its caption, action
    /// `start`), titled `title`.
    pub fn builtin(title: &str, lessons: &[Lesson]) -> AuthoredLesson {
        AuthoredLesson {
            title: cut(title, MAX_TITLE),
            steps: lessons
                .iter()
                .take(MAX_STEPS)
                .map(|l| LessonStep {
                    state: fragment::encode(&l.config()),
                    caption: cut(&l.caption(), MAX_CAPTION),
                    action: StepAction::Start,
                })
                .collect(),
        }
    }

    /// The lesson as its JSON file.
    pub fn to_json(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{{\"state\":{},\"caption\":{},\"action\":{}}}",
                    json::string(&s.state),
                    json::string(&s.caption),
                    json::string(&s.action.text())
                )
            })
            .collect();
        format!(
            "{{\"format\":{},\"version\":1,\"title\":{},\"steps\":[{}]}}",
            json::string(LESSON_FORMAT),
            json::string(&self.title),
            steps.join(",")
        )
    }

    /// Reads a lesson file, or says what is wrong with it (nothing is half-read).
    pub fn from_json(text: &str) -> Result<AuthoredLesson, String> {
        let mut p = Parser::new(text);
        let v = p
            .value()
            .map_err(|e| format!("not JSON: {} at byte {}", e.msg, e.pos))?;
        if v.get("format").and_then(str_of) != Some(LESSON_FORMAT) {
            return Err(format!(
                "not a lesson file (its \"format\" is not \"{LESSON_FORMAT}\")"
            ));
        }
        let title = v.get("title").and_then(str_of).unwrap_or("");
        let Some(Json::Arr(items)) = v.get("steps") else {
            return Err("a lesson needs a list of \"steps\"".into());
        };
        if items.len() > MAX_STEPS {
            return Err(format!("{} steps; at most {MAX_STEPS}", items.len()));
        }
        let mut steps = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            let state = it
                .get("state")
                .and_then(str_of)
                .ok_or_else(|| format!("step {} has no \"state\"", i + 1))?;
            let caption = it.get("caption").and_then(str_of).unwrap_or("");
            let action = it.get("action").and_then(str_of).unwrap_or("none");
            let action = StepAction::parse(action)
                .ok_or_else(|| format!("step {}: unknown action \"{}\"", i + 1, cut(action, 24)))?;
            steps.push(LessonStep {
                state: state.to_string(),
                caption: cut(caption, MAX_CAPTION),
                action,
            });
        }
        Ok(AuthoredLesson {
            title: cut(title, MAX_TITLE),
            steps,
        })
    }

    /// The lesson as a link fragment (without `#`), or why it is too long for one.
    pub fn to_fragment(&self) -> Result<String, String> {
        fragment_fits(format!(
            "{LINK_KEY}{}",
            base64::encode(self.to_json().as_bytes())
        ))
    }

    /// The link fragment of this lesson's JSON deflated to `deflated`, or why it is too long.
    pub fn fragment_of_deflated(deflated: &[u8]) -> Result<String, String> {
        fragment_fits(format!("{LINK_KEY_Z}{}", base64::encode(deflated)))
    }

    /// The lesson from its inflated JSON bytes.
    pub fn from_inflated(bytes: Vec<u8>) -> Result<AuthoredLesson, String> {
        String::from_utf8(bytes)
            .map_err(|_| "the lesson link is damaged".to_string())
            .and_then(|t| AuthoredLesson::from_json(&t))
    }

    /// Reads a lesson link's fragment (without `#`); `None` if it is not a lesson. Flags after
    /// the lesson (`&embed=1`) are read by [`AuthoredLesson::embedded`].
    pub fn read_fragment(fragment: &str) -> Option<LessonLink> {
        let f = fragment.trim();
        let f = f.split_once('&').map_or(f, |(lesson, _flags)| lesson);
        if let Some(b64) = f.strip_prefix(LINK_KEY_Z) {
            return Some(match base64::decode(b64.trim()) {
                Ok(bytes) if !bytes.is_empty() => LessonLink::Deflated(bytes),
                _ => LessonLink::Damaged("the lesson link is damaged (not base64url)".into()),
            });
        }
        AuthoredLesson::from_fragment(f).map(LessonLink::Plain)
    }

    /// Whether a lesson link asks to be shown as an embed (`…&embed=1`).
    pub fn embedded(fragment: &str) -> bool {
        fragment.trim().split('&').skip(1).any(|f| f == EMBED_FLAG)
    }

    /// Reads `authored=…` (the fragment without `#`); `None` if the fragment is not a lesson.
    pub fn from_fragment(fragment: &str) -> Option<Result<AuthoredLesson, String>> {
        let b64 = fragment.trim().strip_prefix(LINK_KEY)?;
        Some(
            base64::decode(b64.trim())
                .map_err(|_| "the lesson link is damaged (not base64url)".to_string())
                .and_then(AuthoredLesson::from_inflated),
        )
    }
}

/// `f` if it fits in a link, else why not.
fn fragment_fits(f: String) -> Result<String, String> {
    if f.len() <= MAX_URL_FRAGMENT {
        Ok(f)
    } else {
        Err(format!(
            "this lesson is {} characters as a link, more than the {MAX_URL_FRAGMENT} a link can \
             hold: save it as a file instead (trained models with many parameters take room)",
            f.len()
        ))
    }
}

fn str_of(j: &Json) -> Option<&str> {
    match j {
        Json::Str(s) => Some(s),
        _ => None,
    }
}
