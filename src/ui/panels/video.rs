//! The Share panel's video export: the layer animation or a training run as WebM (MP4 where the
//! browser records it) or as PNG frames in a ZIP, with the frame rate and the training run's
//! length; a progress bar, a spoken status and Cancel while it records.

use leptos::prelude::*;

use crate::session::video_plan::{parse_fps, parse_until, DEFAULT_FPS, DEFAULT_TRAIN_SECONDS};
use crate::session::VideoFormat;
use crate::ui::actions::video;
use crate::ui::context::{use_ui, NoticeKind};

/// The video export's controls.
#[component]
pub fn VideoExport() -> impl IntoView {
    let ui = use_ui();
    let formats = video::formats();
    let no_video = formats == [VideoFormat::Zip];
    let format = RwSignal::new(formats[0].key().to_string());
    let fps = RwSignal::new(DEFAULT_FPS.to_string());
    let amount = RwSignal::new(DEFAULT_TRAIN_SECONDS.to_string());
    let unit = RwSignal::new("seconds".to_string());
    let recording = move || ui.video_status.get().is_some();
    let rate = move || match parse_fps(&fps.get_untracked()) {
        Ok(f) => Some(f),
        Err(e) => {
            ui.notify(NoticeKind::Warn, e);
            None
        }
    };
    let chosen = move || VideoFormat::from_key(&format.get_untracked()).unwrap_or(VideoFormat::Zip);
    let layers = move || {
        if let Some(f) = rate() {
            video::start_layers(ui, chosen(), f);
        }
    };
    let training = move || {
        let Some(f) = rate() else { return };
        match parse_until(&amount.get_untracked(), &unit.get_untracked()) {
            Ok(u) => video::start_training(ui, chosen(), f, u),
            Err(e) => ui.notify(NoticeKind::Warn, e),
        }
    };
    let has = |f| formats.contains(&f);
    let (webm, mp4) = (has(VideoFormat::WebM), has(VideoFormat::Mp4));
    view! {
        <div class="row" role="group" aria-label="Video export">
            <label class="inline">
                "Video "
                <select
                    id="video-format"
                    on:change=move |ev| format.set(event_target_value(&ev))
                >
                    <option value="webm" hidden=!webm disabled=!webm>"WebM video"</option>
                    <option value="mp4" hidden=!mp4 disabled=!mp4>"MP4 video"</option>
                    <option value="zip" selected=no_video>"PNG frames (ZIP)"</option>
                </select>
            </label>
            <label class="inline">
                "at "
                <select id="video-fps" aria-label="Frame rate" on:change=move |ev| fps.set(event_target_value(&ev))>
                    <option value="10">"10 fps"</option>
                    <option value="15" selected>"15 fps"</option>
                    <option value="24">"24 fps"</option>
                    <option value="30">"30 fps"</option>
                    <option value="60">"60 fps"</option>
                </select>
            </label>
            <button
                id="video-layers"
                title="The density passing through every layer, stage 0 to K (the GIF's frames), at the canvas' resolution with the legend"
                disabled=recording
                on:click=move |_| layers()
            >"Record layers"</button>
        </div>
        <div class="row">
            <label class="inline">
                "Training for "
                <input
                    id="video-amount"
                    type="text"
                    inputmode="decimal"
                    size="6"
                    aria-label="How long to record training"
                    prop:value=move || amount.get()
                    on:change=move |ev| amount.set(event_target_value(&ev))
                />
            </label>
            <select id="video-unit" aria-label="Unit of the training length" on:change=move |ev| unit.set(event_target_value(&ev))>
                <option value="seconds" selected>"seconds"</option>
                <option value="steps">"steps"</option>
            </select>
            <button
                id="video-training"
                title="Record the canvas while training (training starts if paused, and pauses after)"
                disabled=recording
                on:click=move |_| training()
            >"Record training"</button>
        </div>
        <p id="video-note" class="muted small" hidden=!no_video>
            "This browser cannot record video (it has no MediaRecorder for a canvas). The PNG frames (ZIP) work here: a video editor or ffmpeg turns them into a video."
        </p>
        <div class="row" style:display=move || if recording() { "flex" } else { "none" }>
                <progress
                    id="video-progress"
                    max="1"
                    aria-label="Recording progress"
                    prop:value=move || ui.video_progress.get()
                ></progress>
                <button id="video-cancel" on:click=move |_| video::cancel(ui)>"Cancel recording"</button>
        </div>
        <p id="video-status" class="muted small" aria-live="polite">{move || ui.video_status.get().unwrap_or_default()}</p>
    }
}
