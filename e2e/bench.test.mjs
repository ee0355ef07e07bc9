// The `#bench` page (shared/bench/SCENARIOS.md) with the reduced workload `#bench&quick`: every
// scenario writes one JSON line with finite numbers in its fields, then `data-done` is set. No
// timing thresholds: benchmarks are measured, not asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole } from './harness.mjs';
import { compareScenario } from './bench-compare.mjs';
import { heavyScenario } from './bench-heavy.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Beside the callback's own work (frame_ms), every line with frame times has the interval between
// animation frames (the page's real frame time, the browser's rendering included).
const INTERVAL = ['frame_interval_ms_p50', 'frame_interval_ms_p95'];
const FIELDS = {
  reverse: ['k', 'batch', 'steps', 'steps_per_s', 'free_energy'],
  ml: ['k', 'batch', 'steps', 'steps_per_s', 'nll'],
  grid: ['k', 'n', 'ms_per_grid'],
  coupling_ml: ['k', 'batch', 'steps', 'steps_per_s', 'nll'],
  spline_ml: ['k', 'batch', 'steps', 'steps_per_s', 'nll'],
  train_spline: ['k', 'params', 'frame_ms_p95', ...INTERVAL, 'steps_per_s', 'heldout_nll', 'grid_n_max', 'longest_s_without_96'],
  train: ['frame_ms_p95', ...INTERVAL, 'steps_per_s', 'heldout_nll', 'grid_n_max', 'longest_s_without_128'],
  scrub: ['frame_ms_p50', 'frame_ms_p95', ...INTERVAL, 'grid_n'],
  drag: ['frames_per_s', 'frame_ms_p95', ...INTERVAL],
  thumbs: ['stages', 'ms_p50', 'ms_max'],
  fm_train: ['batch', 'steps', 'steps_per_s', 'final_loss', 'eval_loss'],
  cnf_nll: ['ms', 'nll'],
  cnf_grid: ['n', 'ms_per_grid', 'mean_logp'],
};

test('#bench&quick writes one valid JSON line per scenario', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}#bench&quick`);
  await page.waitForSelector('#bench-results[data-done="true"]', { timeout: 120000 });
  const text = await page.$eval('#bench-results', (el) => el.textContent);
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const rows = lines.map((l) => {
    try { return JSON.parse(l); } catch (e) { assert.fail(`not JSON: ${l}`); }
  });
  assert.deepEqual(rows.map((r) => r.scenario).sort(), Object.keys(FIELDS).sort(), text);
  for (const r of rows) {
    assert.equal(r.impl, 'wasm', JSON.stringify(r));
    for (const f of FIELDS[r.scenario]) {
      assert.ok(typeof r[f] === 'number' && Number.isFinite(r[f]), `${r.scenario}.${f} = ${r[f]}`);
    }
    if (['reverse', 'ml', 'train', 'scrub', 'drag', 'thumbs'].includes(r.scenario)) assert.equal(r.k, 32);
  }
  const by = Object.fromEntries(rows.map((r) => [r.scenario, r]));
  // seconds_to_2_55 is a number or null (not reached in the short run).
  const s = by.train.seconds_to_2_55;
  assert.ok(s === null || (typeof s === 'number' && Number.isFinite(s) && s >= 0), `seconds_to_2_55 = ${s}`);
  assert.ok(by.train.steps > 0, 'training ran');
  // The training scenarios say where they trained: in the page's worker (it starts within seconds).
  assert.equal(by.train.worker, true);
  assert.equal(by.train_spline.worker, true);
  assert.ok(by.scrub.frames > 0 && by.drag.frames > 0, 'frames were recorded');
  // The intervals between animation frames were recorded (positive once frames ran).
  for (const name of ['train', 'train_spline', 'scrub', 'drag']) {
    const r = by[name];
    assert.ok(r.frame_interval_ms_p50 > 0, `${name}: ${JSON.stringify(r)}`);
    assert.ok(r.frame_interval_ms_p95 >= r.frame_interval_ms_p50, `${name}: interval p95 < p50`);
  }
  // Playback keeps the density at 192² or finer (it adapts only between 192 and 256).
  assert.ok(by.scrub.grid_n_min >= 192 && by.scrub.grid_n_max <= 256, `grid_n ${by.scrub.grid_n_min}..${by.scrub.grid_n_max}`);
  // The drag goes through the editor's pointer path (the handle was grabbed, not the parameters
  // written).
  assert.match(by.drag.note, /pointer path/);
  assert.ok(!('error' in by.drag), by.drag.error);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the comparison scenario writes one valid line, throttled, with and without the worker', async () => {
  for (const worker of [true, false]) {
    const r = JSON.parse(await compareScenario(browser, server.url, { worker, rate: 4, seconds: 2 }));
    assert.equal(r.scenario, 'compare_families');
    assert.equal(r.worker, worker);
    assert.equal(r.cpu_throttle, 4);
    for (const f of ['frames_per_s', 'frame_interval_ms_p50', 'frame_interval_ms_p95', 'frame_interval_ms_max', 'main_steps_per_s']) {
      assert.ok(typeof r[f] === 'number' && Number.isFinite(r[f]) && r[f] >= 0, `${f} = ${r[f]}`);
    }
    assert.ok(r.main_steps_per_s > 0, 'the lesson trains');
    assert.equal(r.problems, 0);
  }
});

test('the heavy-state scenario: 64 affine layers sent to the embed are drawn coarse first, then refined to 256²', async () => {
  const r = JSON.parse(await heavyScenario(browser, server.url, { layers: 'a' }));
  assert.equal(r.scenario, 'heavy_64a');
  for (const f of ['frame_interval_ms_p50', 'frame_interval_ms_p95', 'frame_interval_ms_max', 'first_picture_s', 'first_96_s', 'picture_256_s']) {
    assert.ok(typeof r[f] === 'number' && Number.isFinite(r[f]) && r[f] >= 0, `${f} = ${r[f]}`);
  }
  // Progressive: a coarse picture first, each next one finer, the last 256².
  assert.ok(r.pictures.length >= 2 && r.pictures[0] < 256, JSON.stringify(r.pictures));
  assert.ok(r.pictures.every((n, i) => i === 0 || n > r.pictures[i - 1]), JSON.stringify(r.pictures));
  assert.equal(r.pictures[r.pictures.length - 1], 256);
  assert.ok(r.first_picture_s < r.picture_256_s);
});
