//! Recording a canvas as a video: `MediaRecorder` on the canvas' `captureStream(0)`, one frame
//! per [`Recorder::push_frame`] (timed by when it is pushed), the file handed back when stopped.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobEvent, CanvasCaptureMediaStreamTrack, HtmlCanvasElement, MediaRecorder,
    MediaRecorderOptions,
};

/// The browser has `MediaRecorder` and canvas capture.
pub fn available() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let has = |o: &JsValue, k: &str| js_sys::Reflect::has(o, &k.into()).unwrap_or(false);
    let canvas_proto = js_sys::Reflect::get(&w, &"HTMLCanvasElement".into())
        .and_then(|c| js_sys::Reflect::get(&c, &"prototype".into()))
        .unwrap_or(JsValue::UNDEFINED);
    has(&w, "MediaRecorder") && canvas_proto.is_object() && has(&canvas_proto, "captureStream")
}

/// The first of `candidates` the browser records, if any.
pub fn supported(candidates: &[&'static str]) -> Option<&'static str> {
    if !available() {
        return None;
    }
    candidates
        .iter()
        .copied()
        .find(|m| MediaRecorder::is_type_supported(m))
}

/// A recording in progress (or stopping: it is done once [`Recorder::done`]).
pub struct Recorder {
    track: CanvasCaptureMediaStreamTrack,
    rec: MediaRecorder,
    cancelled: Rc<Cell<bool>>,
    done: Rc<Cell<bool>>,
    started: Rc<Cell<bool>>,
    _on_start: Closure<dyn FnMut()>,
    _on_data: Closure<dyn FnMut(BlobEvent)>,
    _on_stop: Closure<dyn FnMut()>,
}

impl Recorder {
    /// Starts recording `canvas` as `mime` at about `bits` bits a second; `on_done` gets the file
    /// once stopped (not when cancelled).
    pub fn start(
        canvas: &HtmlCanvasElement,
        mime: &str,
        bits: u32,
        on_done: impl FnOnce(Result<Blob, String>) + 'static,
    ) -> Result<Self, String> {
        let stream = canvas
            .capture_stream_with_frame_request_rate(0.0)
            .map_err(|_| "the browser would not capture the canvas")?;
        let track: CanvasCaptureMediaStreamTrack = stream
            .get_video_tracks()
            .get(0)
            .dyn_into()
            .map_err(|_| "the canvas capture has no video track")?;
        let opts = MediaRecorderOptions::new();
        opts.set_mime_type(mime);
        opts.set_video_bits_per_second(bits);
        let rec = MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &opts)
            .map_err(|_| format!("the browser cannot record {mime}"))?;
        let chunks: Rc<RefCell<Vec<Blob>>> = Rc::default();
        let cancelled = Rc::new(Cell::new(false));
        let done = Rc::new(Cell::new(false));
        let started = Rc::new(Cell::new(false));
        let on_start = {
            let started = started.clone();
            Closure::<dyn FnMut()>::new(move || started.set(true))
        };
        let on_data = {
            let chunks = chunks.clone();
            Closure::<dyn FnMut(BlobEvent)>::new(move |e: BlobEvent| {
                if let Some(b) = e.data() {
                    chunks.borrow_mut().push(b);
                }
            })
        };
        let on_stop = {
            let (cancelled, done) = (cancelled.clone(), done.clone());
            let mime = mime.to_string();
            let mut on_done = Some(on_done);
            Closure::<dyn FnMut()>::new(move || {
                done.set(true);
                let Some(f) = on_done.take() else { return };
                if cancelled.get() {
                    return;
                }
                let parts = js_sys::Array::new();
                for b in chunks.borrow().iter() {
                    parts.push(b);
                }
                let opts = web_sys::BlobPropertyBag::new();
                opts.set_type(mime.split(';').next().unwrap_or("video/webm"));
                f(Blob::new_with_blob_sequence_and_options(&parts, &opts)
                    .map_err(|_| "could not assemble the video".to_string()));
            })
        };
        rec.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        rec.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
        rec.set_onstart(Some(on_start.as_ref().unchecked_ref()));
        rec.start()
            .map_err(|_| "the browser would not start recording")?;
        Ok(Recorder {
            track,
            rec,
            cancelled,
            done,
            started,
            _on_start: on_start,
            _on_data: on_data,
            _on_stop: on_stop,
        })
    }

    /// Recording has begun (frames pushed before are lost).
    pub fn started(&self) -> bool {
        self.started.get()
    }

    /// Adds the canvas as drawn now as the next frame.
    pub fn push_frame(&self) {
        self.track.request_frame();
    }

    /// Stops; the file follows (`on_done`).
    pub fn stop(&self) {
        // Throws only when already stopped.
        let _ = self.rec.stop();
        self.track.stop();
    }

    /// Stops without a file.
    pub fn cancel(&self) {
        self.cancelled.set(true);
        self.stop();
    }

    /// Stopped and the file handed over (the recorder may be dropped).
    pub fn done(&self) -> bool {
        self.done.get()
    }
}
