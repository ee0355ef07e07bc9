//! The page's end (see `ui/worker`): starts the worker, posts commands, and keeps what it says.
//!
//! The worker's script is named by `<meta name="flow-playground-worker">` in `index.html`
//! (written at build time, relative to the page, so the app works under any sub-path); the
//! single-file embed (`embed.html`) instead offers a function that starts a blob worker. If the
//! worker cannot be made (no `Worker`, a sandbox or a policy that forbids it), fails to load,
//! or has not said hello within [`HELLO_TIMEOUT_MS`], the client reports [`Status::Failed`]
//! and the page trains on its own thread as before (same numbers, no alarm: one console line).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::session::worker_protocol::{decode_reply, Reply, Slot, Snapshot};
use crate::ui::browser::now_ms;

/// How long a worker may take to load and say hello (ms) before the page gives up on it.
pub const HELLO_TIMEOUT_MS: f64 = 15_000.0;

/// Where the worker is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Loading its module.
    Starting,
    /// Listening.
    Ready,
    /// Not available (why, for the console).
    Failed(String),
}

#[derive(Default)]
struct Inbox {
    hello: bool,
    failed: Option<String>,
    latest: [Option<Snapshot>; 2],
}

/// A running worker and what it last said.
pub struct Client {
    worker: Worker,
    inbox: Rc<RefCell<Inbox>>,
    started: f64,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

fn script_url() -> Result<String, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let meta = doc
        .query_selector("meta[name=flow-playground-worker]")
        .ok()
        .flatten()
        .ok_or("this build has no worker script")?;
    let href = meta.get_attribute("content").ok_or("empty worker meta")?;
    let base = doc.base_uri().ok().flatten().unwrap_or_default();
    web_sys::Url::new_with_base(&href, &base)
        .map(|u| u.href())
        .map_err(|_| "bad worker script URL".to_string())
}

/// `globalThis.flowPlaygroundWorker`, the worker factory of the single-file embed.
fn standalone_factory() -> Option<js_sys::Function> {
    js_sys::Reflect::get(&js_sys::global(), &"flowPlaygroundWorker".into())
        .ok()?
        .dyn_into()
        .ok()
}

impl Client {
    /// Starts the worker (it says hello when its module runs).
    pub fn spawn() -> Result<Client, String> {
        let refused = |e: JsValue| {
            crate::ui::browser::report::error_name(&e)
                .unwrap_or_else(|| "the browser refused to start a worker".into())
        };
        let worker = match standalone_factory() {
            // The single-file embed (embed.html) starts a classic blob worker and hands it the
            // module itself: there is no worker script to fetch in an opaque origin.
            Some(make) => make
                .call0(&JsValue::NULL)
                .map_err(refused)?
                .dyn_into::<Worker>()
                .map_err(|_| "the page's worker factory made no worker".to_string())?,
            None => {
                let url = script_url()?;
                let opts = WorkerOptions::new();
                opts.set_type(WorkerType::Module);
                opts.set_name("flow-playground-trainer");
                Worker::new_with_options(&url, &opts).map_err(refused)?
            }
        };
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let ib = inbox.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Ok(arr) = e.data().dyn_into::<js_sys::Float64Array>() else {
                return;
            };
            let mut ib = ib.borrow_mut();
            match decode_reply(&arr.to_vec()) {
                Ok(Reply::Hello) => ib.hello = true,
                Ok(Reply::Snapshot(s)) => {
                    let i = s.slot.index();
                    ib.latest[i] = Some(s);
                }
                Err(e) => web_sys::console::warn_1(
                    &format!("Flow Playground: a message from the worker was refused ({e})").into(),
                ),
            }
        });
        let ib = inbox.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            let msg = e.message();
            ib.borrow_mut().failed = Some(if msg.is_empty() {
                "the worker's script did not load".into()
            } else {
                msg
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Client {
            worker,
            inbox,
            started: now_ms(),
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Where the worker is.
    pub fn status(&self) -> Status {
        let ib = self.inbox.borrow();
        if let Some(why) = &ib.failed {
            Status::Failed(why.clone())
        } else if ib.hello {
            Status::Ready
        } else if now_ms() - self.started > HELLO_TIMEOUT_MS {
            Status::Failed("the worker did not start in time".into())
        } else {
            Status::Starting
        }
    }

    /// Posts `words` (a command), transferring their buffer.
    pub fn send(&self, words: &[f64]) -> bool {
        let arr = js_sys::Float64Array::from(words);
        let transfer = js_sys::Array::of1(&arr.buffer());
        self.worker
            .post_message_with_transfer(&arr, &transfer)
            .is_ok()
    }

    /// The newest snapshot of `slot` since the last call, if any.
    pub fn take(&self, slot: Slot) -> Option<Snapshot> {
        self.inbox.borrow_mut().latest[slot.index()].take()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
