// The notebook widget (python/flow_playground/widget.py + widget.js) in a real JupyterLab started
// by this test: a notebook whose cells create FlowPlayground from a NumPy array, the app drawing
// inside the widget's frame, points set from Python reaching the app (its own report of them comes
// back equal), training started from Python moving the parameters Python reads, and log_prob
// through the exported model. Run by scripts/test-widget.sh (stage 10 of the test command), which
// provides the Python environment (FLOW_PLAYGROUND_PYTHON) with JupyterLab and the package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, serve, shot, canvasStats, watchConsole } from './harness.mjs';

const python = process.env.FLOW_PLAYGROUND_PYTHON
  || path.join(os.homedir(), '.cache', 'flow-playground', 'pyenv', 'bin', 'python');
const token = `t${Math.random().toString(36).slice(2)}`;
let lab, browser, page, app, dir, labUrl, problems;
let labLog = '';

/** Whether the installed package carries the app's single-file build (else: a served dist/). */
const packaged = execFileSync(python, ['-c',
  'import flow_playground.widget as w; print(int(bool(w.packaged_html())))']).toString().trim() === '1';

const t0 = Date.now();
/** Progress on stderr (where a slow JupyterLab spends its time). */
const log = (what) => process.stderr.write(`[notebook ${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`);

function freePort() {
  return new Promise((resolve) => {
    import('node:net').then(({ createServer }) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    });
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-widget-lab-'));
  for (const d of ['config', 'data', 'runtime', 'ipython', 'work']) fs.mkdirSync(path.join(dir, d));
  fs.writeFileSync(path.join(dir, 'work', 'flow.ipynb'), JSON.stringify({
    cells: [], metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4, nbformat_minor: 5,
  }));
  const port = await freePort();
  lab = spawn(python, ['-m', 'jupyterlab', '--no-browser', `--port=${port}`, '--ip=127.0.0.1',
    `--IdentityProvider.token=${token}`, '--allow-root', `--ServerApp.root_dir=${path.join(dir, 'work')}`,
    '--LabApp.expose_app_in_browser=True', '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'], {
    env: {
      ...process.env, JUPYTER_CONFIG_DIR: path.join(dir, 'config'), JUPYTER_DATA_DIR: path.join(dir, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'), IPYTHONDIR: path.join(dir, 'ipython'),
      JUPYTER_PLATFORM_DIRS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  lab.stdout.on('data', (d) => { labLog += d; });
  lab.stderr.on('data', (d) => { labLog += d; });
  labUrl = `http://127.0.0.1:${port}`;
  // The server answers once it is up (a condition, not a delay).
  for (;;) {
    if (lab.exitCode !== null) throw new Error(`jupyter lab exited:\n${labLog}`);
    try { if ((await fetch(`${labUrl}/api/status?token=${token}`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!packaged) app = await serve(undefined, { cors: false });
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  problems = watchConsole(page);
  await page.goto(`${labUrl}/lab/tree/flow.ipynb?token=${token}`);
  await page.waitForFunction(() => {
    const nb = window.jupyterapp?.shell?.currentWidget;
    return nb?.sessionContext?.session?.kernel?.status === 'idle' && nb.content?.widgets;
  }, null, { timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (lab && lab.exitCode === null) {
    lab.kill('SIGTERM');
    await new Promise((r) => lab.once('exit', r));
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Appends a cell with `code`, runs it as Shift+Enter would, and returns its printed text
 *  (throws with the traceback's name and value on an error). */
async function cell(code) {
  log(`run: ${code.split('\n')[0].slice(0, 70)}`);
  const out = await page.evaluate(async (code) => {
    const app = window.jupyterapp;
    const nb = app.shell.currentWidget.content;
    if (nb.widgets.length > 0 && nb.widgets[nb.widgets.length - 1].model.sharedModel.getSource() !== '') {
      nb.activeCellIndex = nb.widgets.length - 1;
      await app.commands.execute('notebook:insert-cell-below');
    }
    const c = nb.activeCell;
    c.model.sharedModel.setSource(code);
    await app.commands.execute('notebook:run-cell');
    return c.model.outputs.toJSON();
  }, code);
  const err = out.find((o) => o.output_type === 'error');
  if (err) throw new Error(`cell failed: ${err.ename}: ${err.evalue}\n${code}`);
  return out.filter((o) => o.output_type === 'stream').map((o) => [].concat(o.text).join('')).join('');
}

/** Runs `code` in the notebook's kernel without adding a cell (as the console would) and returns
 *  its printed text. */
function kernelRun(code) {
  return page.evaluate(async (code) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const future = kernel.requestExecute({ code, store_history: false });
    let out = '';
    future.onIOPub = (msg) => {
      if (msg.header.msg_type === 'stream') out += msg.content.text;
      if (msg.header.msg_type === 'error') out += `ERROR ${msg.content.ename}: ${msg.content.evalue}`;
    };
    await future.done;
    return out;
  }, code);
}

/** The widget's state as Python reads it. */
async function status() {
  const text = await kernelRun(`print(json.dumps(dict(ready=w.ready, k=w.k, step=w.step, training=w.training,
    loss=w.loss, rev=w._points_rev, n_app=len(w._app_points), n=len(w.points), link=w.link,
    app_has_points=bool(np.array_equal(np.array(w._app_points).reshape(-1, 2), w.points)),
    has_model=bool(w.model_json))))`);
  try { return JSON.parse(text.trim().split('\n').pop()); } catch { throw new Error(`status: ${text}`); }
}

/** Asks for the status until `pred` holds (each is a round trip through kernel and page). */
async function until(what, pred) {
  let s, last = '';
  for (let i = 0; i < 600; i += 1) {
    s = await status();
    const text = JSON.stringify({ ...s, link: s.link.slice(0, 40) });
    if (text !== last) log(`status: ${text}`);
    last = text;
    if (pred(s)) return s;
    await page.waitForTimeout(250);
  }
  throw new Error(`${what}: never happened; last status ${JSON.stringify(s)}`);
}

function appFrame() {
  return page.frames().find((f) => f !== page.mainFrame() && f.parentFrame() === page.mainFrame()
    && (f.url() === 'about:srcdoc' || (app && f.url().startsWith(app.url))));
}

test('the package carries the app build that dist has (no silent fallback to a served dist)', () => {
  const built = path.join(process.env.E2E_DIST || path.join(import.meta.dirname, '..', 'dist'), 'embed.html');
  if (fs.existsSync(built)) assert.ok(packaged, `${built} exists but the installed widget has no embed.html`);
  log(packaged ? 'the widget shows its packaged embed.html (srcdoc, sandbox allow-scripts)'
    : 'no embed.html: the widget shows the served dist/ (src=)');
});

test('the widget renders, takes NumPy points, trains, and hands back the trained flow', { timeout: 600_000 }, async () => {
  const src = packaged ? '' : `, src=${JSON.stringify(app.url)}`;
  await cell(`import json
import numpy as np
import flow_playground as fp
t = np.linspace(0, 2 * np.pi, 300, endpoint=False)
xy = np.c_[2.5 * np.cos(t), 2.5 * np.sin(t)] + 0.1 * np.random.default_rng(0).normal(size=(300, 2))
w = fp.FlowPlayground(points=xy, layers="planar*8", seed=3${src})
w`);

  // The app draws inside the widget's frame.
  await page.waitForFunction(() => document.querySelector('.jp-OutputArea iframe.flow-playground-widget'));
  let frame;
  for (;;) { frame = appFrame(); if (frame) break; await page.waitForTimeout(100); }
  log(`the app's frame: ${frame.url()}`);
  await frame.waitForSelector('#main-canvas', { timeout: 60_000 });
  const s0 = await until('the app reports 300 points and its model', (s) => s.ready && s.rev === 1
    && s.n_app === 300 && s.app_has_points && s.has_model && s.k === 8);
  assert.equal(s0.step, 0);
  // The whole canvas is inside the widget (the frame fits the app at the cell's width).
  const box = await frame.$eval('#main-canvas', (c) => ({ bottom: c.getBoundingClientRect().bottom, h: innerHeight }));
  assert.ok(box.bottom <= box.h + 1, `the canvas is cut off: bottom ${box.bottom} > frame ${box.h}`);
  const stats = await canvasStats(frame, '#main-canvas');
  assert.ok(stats.std > 5, `the canvas is blank (std ${stats.std})`);
  await shot(page, 'notebook-widget-rendered');

  // A point drawn from Python reaches the app, which reports it back exactly.
  await cell('w.points = np.vstack([xy, [[3.25, -3.5]]])');
  await until('the app has the 301st point', (s) => s.rev === 2 && s.n_app === 301 && s.app_has_points);
  const last = await cell('print(json.dumps(w.points[-1].tolist()), json.dumps(bool(np.array_equal(w.points[:300], xy))))');
  assert.equal(last.trim(), '[3.25, -3.5] true');

  // Train from Python; the parameters Python reads change, and log_prob follows the app's flow.
  await cell('p0 = w.params.copy(); lp0 = w.log_prob(xy).mean(); w.train(steps=300)');
  // The model is reported after the step event: wait for the link that records 300 steps.
  const s1 = await until('300 steps trained and the trained model reported', (s) => s.step === 300
    && !s.training && /[#&]step=300(&|$)/.test(s.link));
  assert.ok(Number.isFinite(s1.loss), `loss ${s1.loss}`);
  const moved = JSON.parse((await cell(`print(json.dumps(dict(changed=float(np.abs(w.params - p0).max()), n=int(w.params.size),
    lp0=float(lp0), lp1=float(w.log_prob(xy).mean()), layers=w.layers, stage=w.stage)))`)).trim());
  log(`after training: ${JSON.stringify({ ...moved, loss: s1.loss })}`);
  assert.equal(moved.n, 8 * 5, 'eight planar layers of five raw values');
  assert.ok(moved.changed > 1e-3, `params did not change: ${JSON.stringify(moved)}`);
  assert.ok(moved.lp1 > moved.lp0 + 0.05, `log_prob of the data did not rise: ${JSON.stringify(moved)}`);
  assert.deepEqual(moved.layers, Array(8).fill('planar'));
  assert.match(s1.link, packaged ? /^#v=1&/ : /^http:.*#v=1&/);
  assert.doesNotMatch(s1.link, /embed=1/, 'w.link opens the full app');
  await shot(page, 'notebook-widget-trained');
  const after = await canvasStats(frame, '#main-canvas');
  assert.ok(after.std > 5, 'the canvas still draws after training');
  assert.deepEqual(problems.filter((p) => /flow|wasm|widget/i.test(p)), [], 'no console error from the widget');
});
