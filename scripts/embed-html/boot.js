// The single-file embed's one script (scripts/embed-html/build.mjs inlines it, with the
// wasm-bindgen glue bundled in, into dist/embed.html). It runs twice: on the page, where it
// decodes the inlined WebAssembly, compiles it and starts the app; and, as a classic blob
// worker made from its own text, as the training worker (src/ui/worker), which receives the
// compiled module as its first message. Nothing is fetched: in a frame sandboxed with
// `allow-scripts` alone the page has an opaque origin, and every fetch from a host without
// CORS headers would be refused.
import init from 'flow-glue';

const script = typeof document === 'undefined' ? null : document.currentScript;

if (!script) {
  // The worker: the module's start function sees no window and runs the worker's end.
  self.onmessage = (e) => {
    self.onmessage = null;
    init({ module_or_path: e.data });
  };
} else {
  boot(script.textContent);
}

/** Where the full app is, with the state shown here: the "open in a new tab" link. */
function appLink() {
  const meta = (n) => document.querySelector(`meta[name="${n}"]`)?.content ?? '';
  let app;
  try {
    app = new URL(meta('flow-playground-app') || './', location.href);
  } catch {
    app = new URL('https://flow-playground.invalid/');
  }
  const state = location.hash.slice(1) || meta('flow-playground-state');
  app.hash = state.replace(/(^|&)embed=1(?=&|$)/, '');
  return app.href;
}

/** Says in the first paint why the app is not there, with a link to open it in a new tab. */
function explain(text) {
  const note = document.querySelector('#boot .boot-note');
  if (!note || !document.getElementById('boot')) return;
  note.textContent = text + ' ';
  const a = document.createElement('a');
  a.href = appLink();
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = 'Open Flow Playground in a new tab ↗';
  note.append(a);
  document.getElementById('boot').dataset.failed = 'true';
}

function why(e) {
  const m = String((e && e.message) || e);
  if (typeof WebAssembly !== 'object') return 'This browser cannot run WebAssembly, which the demo needs.';
  if (/Content Security Policy|unsafe-eval|CSP/i.test(m)) {
    return 'The page around this frame does not allow WebAssembly here.';
  }
  return `The demo could not start here (${m.slice(0, 160)}).`;
}

async function boot(text) {
  const slow = setTimeout(
    () => explain('Still loading… If nothing appears, the demo cannot run in this frame.'),
    8000,
  );
  try {
    const b64 = document.getElementById('flow-wasm').textContent.trim();
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const module = await WebAssembly.compile(bytes);
    // The training worker (src/ui/worker/client.rs calls this when it wants one).
    globalThis.flowPlaygroundWorker = () => {
      const url = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
      const w = new Worker(url, { name: 'flow-playground-trainer' });
      w.postMessage(module);
      return w;
    };
    await init({ module_or_path: module });
    clearTimeout(slow);
  } catch (e) {
    clearTimeout(slow);
    explain(why(e));
    console.warn('Flow Playground did not start:', e);
  }
}
