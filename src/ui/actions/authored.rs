//! Lessons the user authors: add the current view as a step, edit, reorder and delete steps,
//! present them (go to a step: its state, its caption, its action on arrival), share the lesson
//! as a link or a file, and open one.

use leptos::prelude::*;

use crate::state::authored::{
    AuthoredLesson, LessonLink, LessonStep, StepAction, MAX_INFLATED, MAX_STEPS,
};
use crate::state::{self, Lesson};
use crate::ui::browser::{clipboard, compress, download, page, storage};
use crate::ui::context::{NoticeKind, Ui};

use super::{history, lesson, link, training, view};

/// Where the lesson being written is kept between visits (not in an embed).
const DRAFT_KEY: &str = "flow-playground:lesson-draft:v1";

/// Keeps the lesson in the browser after an edit (a lesson merely opened from a link does not
/// replace the user's own draft until it is edited).
fn keep_draft(ui: Ui) {
    if ui.embed.with_untracked(|e| e.embed) {
        return;
    }
    let json = ui.authored.with_untracked(AuthoredLesson::to_json);
    if !storage::set(DRAFT_KEY, &json) {
        ui.notify(
            NoticeKind::Warn,
            "This browser will not keep your lesson between visits (storage is full or disabled): save it as a file.",
        );
    }
}

/// The lesson the user was writing on their last visit, if any (unread if damaged).
pub fn restore_draft(ui: Ui) {
    if let Some(Ok(l)) = storage::get(DRAFT_KEY).map(|t| AuthoredLesson::from_json(&t)) {
        ui.authored.set(l);
    }
}

/// The current view, as the lesson's last step (a caption to write).
pub fn add_step(ui: Ui) {
    if ui.authored.with_untracked(|l| l.steps.len()) >= MAX_STEPS {
        ui.notify(
            NoticeKind::Warn,
            format!("A lesson has at most {MAX_STEPS} steps."),
        );
        return;
    }
    let state = state::encode(&link::snapshot(ui));
    ui.authored.update(|l| {
        l.steps.push(LessonStep {
            state,
            caption: String::new(),
            action: StepAction::None,
        })
    });
    keep_draft(ui);
}

/// Edits step `i`'s caption.
pub fn set_caption(ui: Ui, i: usize, text: &str) {
    ui.authored.update(|l| {
        if let Some(s) = l.steps.get_mut(i) {
            s.caption = text.chars().take(state::authored::MAX_CAPTION).collect();
        }
    });
    keep_draft(ui);
}

/// Sets step `i`'s action on arrival (`text` as the file writes it, or `reach`: train until the
/// evaluation is what it is now, to be edited; anything else is "none").
pub fn set_action(ui: Ui, i: usize, text: &str) {
    let a = if text == "probe" {
        StepAction::Probe(0.0, 0.0)
    } else if text == "reach" {
        let now = ui.stats.with_untracked(|s| s.evaluation()).unwrap_or(0.0);
        StepAction::Reach((now * 100.0).round() / 100.0)
    } else {
        StepAction::parse(text).unwrap_or(StepAction::None)
    };
    set_step_action(ui, i, a);
}

/// The number(s) of step `i`'s action: "train until"'s target, the probed point `x, y`
/// (anything else changes nothing, says why and returns false).
pub fn set_param(ui: Ui, i: usize, text: &str) -> bool {
    let kind = match ui
        .authored
        .with_untracked(|l| l.steps.get(i).map(|s| s.action))
    {
        Some(StepAction::Reach(_)) => "reach",
        Some(StepAction::Probe(..)) => "probe",
        _ => return false,
    };
    match StepAction::parse(&format!("{kind}:{}", text.trim())) {
        Some(a) => {
            set_step_action(ui, i, a);
            true
        }
        None => {
            let want = if kind == "probe" {
                "two numbers x, y within ±100"
            } else {
                "a number within ±1000"
            };
            ui.notify(
                NoticeKind::Warn,
                format!("Step {}: \"{}\" is not {want}.", i + 1, text.trim()),
            );
            false
        }
    }
}

fn set_step_action(ui: Ui, i: usize, a: StepAction) {
    ui.authored.update(|l| {
        if let Some(s) = l.steps.get_mut(i) {
            s.action = a;
        }
    });
    keep_draft(ui);
}

/// The built-in lessons (`lessons`) as the user's own lesson, to edit, extend and save.
pub fn adopt(ui: Ui, title: &str, lessons: &[Lesson]) {
    ui.authored.set(AuthoredLesson::builtin(title, lessons));
    ui.authored_link.set(None);
    ui.step_at.set(None);
    ui.notify(
        NoticeKind::Info,
        "Under \"Your lesson\" now: edit, add steps, present, save.",
    );
    keep_draft(ui);
}

/// The lesson's title.
pub fn set_title(ui: Ui, text: &str) {
    ui.authored
        .update(|l| l.title = text.chars().take(state::authored::MAX_TITLE).collect());
    keep_draft(ui);
}

/// Moves step `i` one place up (`-1`) or down (`+1`).
pub fn move_step(ui: Ui, i: usize, dir: i32) {
    ui.authored.update(|l| {
        let j = i as i64 + i64::from(dir);
        if j >= 0 && (j as usize) < l.steps.len() && i < l.steps.len() {
            l.steps.swap(i, j as usize);
        }
    });
    keep_draft(ui);
}

/// Deletes step `i`.
pub fn delete_step(ui: Ui, i: usize) {
    ui.authored.update(|l| {
        if i < l.steps.len() {
            l.steps.remove(i);
        }
    });
    if ui
        .step_at
        .get_untracked()
        .is_some_and(|s| s >= ui.authored.with_untracked(|l| l.steps.len()))
    {
        ui.step_at.set(None);
    }
    keep_draft(ui);
}

/// Shows step `i` (past the end: the last): its state (one undo step), its caption, then its
/// action.
pub fn go(ui: Ui, i: usize) {
    let i = i.min(
        ui.authored
            .with_untracked(|l| l.steps.len())
            .saturating_sub(1),
    );
    let Some(step) = ui.authored.with_untracked(|l| l.steps.get(i).cloned()) else {
        return;
    };
    let (cfg, _ignored) = state::decode(&step.state);
    history::checkpoint(ui);
    // A step never changes whether the app is an embed (an embedded lesson stays one).
    let embed = ui.embed.get_untracked();
    link::apply(ui, &cfg);
    ui.embed.set(embed);
    ui.lesson.set(None);
    ui.step_at.set(Some(i));
    match step.action {
        StepAction::None => {}
        StepAction::Play => {
            view::set_stage(ui, 0.0);
            view::toggle_play(ui);
        }
        StepAction::Train(n) => training::train_steps(ui, n),
        StepAction::Stage(s) => view::set_stage(ui, s),
        StepAction::Reach(x) => training::train_to(ui, x),
        StepAction::Probe(x, y) => view::probe_at(ui, [x, y]),
        StepAction::Start => match cfg.lesson {
            Some(l) => lesson::start(ui, l),
            None => training::start(ui),
        },
    }
}

/// The next (`+1`) or previous (`-1`) step, while presenting.
pub fn step(ui: Ui, dir: i32) {
    let n = ui.authored.with_untracked(|l| l.steps.len());
    let at = ui.step_at.get_untracked();
    let next = match at {
        None => 0,
        Some(i) => (i as i64 + i64::from(dir)).clamp(0, n as i64 - 1) as usize,
    };
    if n > 0 && Some(next) != at {
        go(ui, next);
    }
}

/// Stops presenting (the view stays as it is).
pub fn stop(ui: Ui) {
    ui.step_at.set(None);
}

/// The lesson's link, deflated where the browser can (else plain): copied to the clipboard and
/// shown; or why it cannot be one.
pub fn share(ui: Ui) {
    let json = ui.authored.with_untracked(AuthoredLesson::to_json);
    leptos::task::spawn_local(async move {
        let fragment = match compress::deflate(json.as_bytes()).await {
            Some(z) => AuthoredLesson::fragment_of_deflated(&z),
            None => ui.authored.with_untracked(AuthoredLesson::to_fragment),
        };
        show_link(ui, fragment);
    });
}

/// Shows the lesson as an embed (a lesson link with `&embed=1`): canvas, timeline, step caption.
pub fn embed(ui: Ui) {
    ui.embed.update(|e| e.embed = true);
}

/// Shows (and copies) a lesson's link, or why there is none.
fn show_link(ui: Ui, fragment: Result<String, String>) {
    match fragment {
        Ok(f) => {
            let url = format!("{}#{f}", page::base_url());
            ui.authored_link.set(Some(Ok(url.clone())));
            clipboard::copy(&url, move |ok| {
                if ok {
                    ui.notify(NoticeKind::Info, "The lesson's link is on the clipboard.");
                }
            });
        }
        Err(e) => ui.authored_link.set(Some(Err(e))),
    }
}

/// Saves the lesson as a JSON file.
pub fn save_file(ui: Ui) {
    let json = ui.authored.with_untracked(AuthoredLesson::to_json);
    if let Err(e) = download::text("lesson.json", "application/json", &json) {
        ui.notify(NoticeKind::Error, format!("Could not save the lesson: {e}"));
    }
}

/// Opens a lesson link (inflating it first if it is deflated); the address keeps the link
/// meanwhile.
pub fn open_link(ui: Ui, link: LessonLink) {
    match link {
        LessonLink::Plain(lesson) => open(ui, lesson),
        LessonLink::Damaged(e) => open(ui, Err(e)),
        LessonLink::Deflated(z) => {
            ui.lesson_opening.set(true);
            leptos::task::spawn_local(async move {
                let lesson = match compress::inflate(&z, MAX_INFLATED).await {
                    Some(json) => AuthoredLesson::from_inflated(json),
                    None => Err(
                        "the lesson link is damaged (its compressed data cannot be read, \
                                 or this browser cannot read compressed links)"
                            .into(),
                    ),
                };
                ui.lesson_opening.set(false);
                open(ui, lesson);
            });
        }
    }
}

/// Opens a lesson file the user chose (kept as their draft, as an edit is).
pub fn open_file(ui: Ui, lesson: Result<AuthoredLesson, String>) {
    let ok = lesson.as_ref().is_ok_and(|l| !l.steps.is_empty());
    open(ui, lesson);
    if ok {
        keep_draft(ui);
    }
}

/// Starts a new, empty lesson, once the user confirms (their draft is replaced).
pub fn start_new(ui: Ui) {
    let n = ui.authored.with_untracked(|l| l.steps.len());
    let steps = if n == 1 {
        "1 step".to_string()
    } else {
        format!("{n} steps")
    };
    if n > 0
        && !page::confirm(&format!(
            "Start a new lesson? This lesson's {steps} will be gone (save it as a file first to keep it)."
        ))
    {
        return;
    }
    ui.authored.set(AuthoredLesson::default());
    ui.authored_link.set(None);
    ui.step_at.set(None);
    keep_draft(ui);
}

/// Opens a lesson (from a file's text or a link) and shows its first step; a bad one changes
/// nothing and says why.
pub fn open(ui: Ui, lesson: Result<AuthoredLesson, String>) {
    match lesson {
        Ok(l) if l.steps.is_empty() => {
            ui.notify(NoticeKind::Warn, "That lesson has no steps.");
        }
        Ok(l) => {
            ui.authored.set(l);
            ui.authored_link.set(None);
            go(ui, 0);
        }
        Err(e) => ui.notify(NoticeKind::Error, format!("Could not open the lesson: {e}")),
    }
}
