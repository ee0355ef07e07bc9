// The notebook widget's front end (anywidget ESM, plain JavaScript, no build step): shows Flow
// Playground in an <iframe> and relays between the app's postMessage control API (README, "Embed
// it in an article") and the widget's traitlets (widget.py).
//
//   Python -> app: `config` (a link fragment, loaded once the app is ready), `_points_request`
//     ({rev, points}: sent as flow:set-points), and custom messages that are control commands
//     (flow:train, flow:pause-training, flow:set-stage, ...), queued until the app is ready.
//   app -> Python: flow:ready / flow:stage / flow:step events set `ready`, `_stage`, `k`, `step`,
//     `loss`, `training`; flow:model (asked for with flow:get-model after every change Python
//     asks for, while training at most every MODEL_EVERY_MS, and once a second otherwise) sets
//     `model_json`, `_link`, `_app_points` and `_points_rev` (the last points request the app
//     has applied).
//
// The frame is sandboxed with `allow-scripts` only (an opaque origin): the packaged single-file
// app (`_html`, as srcdoc) needs nothing more; a hosted app (`src`) must then be served with CORS
// headers or be given `allow-same-origin` by `sandbox`.

const MODEL_EVERY_MS = 500;
const POLL_MS = 1000;
// Commands Python may relay to the app (anything else is dropped here).
const COMMANDS = new Set([
  "flow:set-stage", "flow:set-time", "flow:play", "flow:pause", "flow:train", "flow:pause-training",
  "flow:set-lesson", "flow:load", "flow:overlays", "flow:set-points", "flow:get-model",
]);

function render({ model, el }) {
  const frame = document.createElement("iframe");
  frame.title = "Flow Playground";
  frame.className = "flow-playground-widget";
  frame.setAttribute("sandbox", model.get("sandbox"));
  frame.style.cssText = "width:100%;border:0;display:block";
  el.appendChild(frame);
  // Height 0: as tall as the app's square canvas and its bar need at the cell's width.
  const fit = () => {
    const h = model.get("height") || Math.min(1000, Math.max(320, Math.round(el.clientWidth * 0.92 + 40)));
    frame.style.height = `${h}px`;
  };
  const resize = new ResizeObserver(fit);
  resize.observe(el);
  fit();

  let ready = false;
  const queue = [];
  let lastModelAsk = 0;
  let pointsRev = 0; // the newest points request sent to the app
  const asked = []; // per get-model in flight, in order: the points request it follows
  const post = (msg) => frame.contentWindow && frame.contentWindow.postMessage(msg, "*");
  const send = (msg) => (ready ? post(msg) : queue.push(msg));
  const askModel = () => {
    lastModelAsk = performance.now();
    asked.push(pointsRev);
    send({ type: "flow:get-model" });
  };
  const sendPoints = () => {
    const req = model.get("_points_request");
    if (!req || !req.rev || req.rev === pointsRev) return;
    pointsRev = req.rev;
    send({ type: "flow:set-points", points: req.points });
    askModel();
  };
  const save = (changes) => {
    let changed = false;
    for (const [k, v] of Object.entries(changes)) {
      if (JSON.stringify(model.get(k)) !== JSON.stringify(v)) {
        model.set(k, v);
        changed = true;
      }
    }
    if (changed) model.save_changes();
  };

  const onMessage = (e) => {
    if (e.source !== frame.contentWindow || !e.data || typeof e.data.type !== "string") return;
    const d = e.data;
    switch (d.type) {
      case "flow:ready": {
        ready = true;
        const config = model.get("config");
        if (config) post({ type: "flow:load", config });
        save({ ready: true, _stage: d.stage, k: d.k });
        sendPoints();
        for (const m of queue.splice(0)) post(m);
        askModel();
        break;
      }
      case "flow:stage":
        save({ _stage: d.stage, k: d.k });
        break;
      case "flow:step":
        save({ step: d.step, loss: d.loss, training: d.training });
        if (!d.training || performance.now() - lastModelAsk >= MODEL_EVERY_MS) askModel();
        break;
      case "flow:model": {
        // Replies come in the order of the asks (postMessage keeps order both ways).
        const rev = asked.length ? asked.shift() : pointsRev;
        save({
          model_json: d.json || "",
          _link: d.link || "",
          _app_points: d.points || [],
          _points_rev: rev,
        });
        break;
      }
    }
  };
  window.addEventListener("message", onMessage);

  const onCustom = (msg) => {
    if (msg && COMMANDS.has(msg.type)) {
      if (msg.type === "flow:get-model") return askModel();
      send(msg);
      askModel();
    }
  };
  model.on("msg:custom", onCustom);
  model.on("change:_points_request", sendPoints);
  model.on("change:height", fit);
  // Edits made in the frame by hand (drawing points, a layer edit) reach Python too.
  const poll = setInterval(() => {
    if (ready && performance.now() - lastModelAsk >= POLL_MS) askModel();
  }, POLL_MS);

  const html = model.get("_html");
  if (html) frame.srcdoc = html;
  else frame.src = model.get("src");

  return () => {
    clearInterval(poll);
    resize.disconnect();
    model.off("change:height", fit);
    window.removeEventListener("message", onMessage);
    model.off("msg:custom", onCustom);
    model.off("change:_points_request", sendPoints);
  };
}

export default { render };
