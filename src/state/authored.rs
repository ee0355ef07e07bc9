//! Lessons a lecturer authors: a title and a sequence of steps, each a complete state (the text
//! a link holds), a caption and an optional action on arrival. One JSON shape serves the file
//! and the link; the link is `authored=` and the JSON in base64url, with a plain message when a
//! lesson is too long for a link (a file holds any size).
//!
//! ```json
//! {"format": "flow-playground-lesson", "version": 1, "title": "…",
//!  "steps": [{"state": "v=1&mode=moons&…", "caption": "…", "action": "play"}]}
//! ```
//!
//! Actions: `"none"`, `"play"` (play the layers), `"train:N"` (train N steps), `"stage:S"` (go to
//! stage S). Bounded: at most [`MAX_STEPS`] steps, captions of [`MAX_CAPTION`] characters, a
//! title of [`MAX_TITLE`]; each step's state is read as any link is (tolerantly) when shown.

use super::base64;
use super::fragment::MAX_URL_FRAGMENT;
use super::json::{self, Json, Parser};
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
/// The link key of an authored lesson.
pub const LINK_KEY: &str = "authored=";

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
}

impl StepAction {
    /// The action as the file writes it.
    pub fn text(self) -> String {
        match self {
            StepAction::None => "none".into(),
            StepAction::Play => "play".into(),
            StepAction::Train(n) => format!("train:{n}"),
            StepAction::Stage(s) => format!("stage:{}", fmt_f64(s)),
        }
    }

    /// Reads an action (`None` if it is not one).
    pub fn parse(s: &str) -> Option<StepAction> {
        Some(match s.trim() {
            "" | "none" => StepAction::None,
            "play" => StepAction::Play,
            t => match t.split_once(':')? {
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
        let f = format!("{LINK_KEY}{}", base64::encode(self.to_json().as_bytes()));
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

    /// Reads `authored=…` (the fragment without `#`); `None` if the fragment is not a lesson.
    pub fn from_fragment(fragment: &str) -> Option<Result<AuthoredLesson, String>> {
        let b64 = fragment.trim().strip_prefix(LINK_KEY)?;
        Some(
            base64::decode(b64.trim())
                .map_err(|_| "the lesson link is damaged (not base64url)".to_string())
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| "the lesson link is damaged".to_string())
                })
                .and_then(|t| AuthoredLesson::from_json(&t)),
        )
    }
}

fn str_of(j: &Json) -> Option<&str> {
    match j {
        Json::Str(s) => Some(s),
        _ => None,
    }
}
