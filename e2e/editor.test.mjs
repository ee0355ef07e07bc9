// The layer editor: select a layer, drag its handles with a mouse and with a finger, type exact
// values (including an invertibility-breaking raw u), add / delete layers, start from an empty
// flow, and train on from the edited parameters. Waits for conditions, never sleeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, canvasStats, openTab, frames } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The handles the editor drew: { layer, selected, kind, handles: { name: [cssX, cssY] } }. */
async function handles(page) {
  const raw = await page.getAttribute('#overlay-canvas', 'data-handles');
  return raw ? JSON.parse(raw) : null;
}

/** Page coordinates of handle `name`. */
async function handleAt(page, name) {
  const h = await handles(page);
  assert.ok(h && h.handles[name], `handle ${name} not drawn: ${JSON.stringify(h)}`);
  const box = await page.locator('#overlay-canvas').boundingBox();
  return [box.x + h.handles[name][0], box.y + h.handles[name][1]];
}

const fieldValues = (page, ids) => Promise.all(ids.map((id) => page.inputValue(`#${id}`)));
const PLANAR = ['edit-u0', 'edit-u1', 'edit-w0', 'edit-w1', 'edit-b'];

async function setK(page, k) {
  await openTab(page, 'model');
  await page.fill('#k-input', String(k));
  await page.press('#k-input', 'Tab');
  await page.waitForFunction((n) => document.querySelectorAll('#layer-list li').length === n, k);
}

/** Waits until the editor has drawn handles of `kind` (they appear on the frame after a change). */
const handlesOfKind = (page, kind) => page.waitForFunction((k) => {
  const raw = document.querySelector('#overlay-canvas').getAttribute('data-handles');
  return raw && JSON.parse(raw).kind === k;
}, kind);

/** Select layer `n` (1-based) in the Layers panel; waits for its handles. */
async function selectLayer(page, n) {
  await page.click(`#layer-list li:nth-child(${n}) .layer-select`);
  await page.waitForFunction((i) => {
    const raw = document.querySelector('#overlay-canvas').getAttribute('data-handles');
    if (!raw) return false;
    const h = JSON.parse(raw);
    return h.selected && h.layer === i;
  }, n - 1);
  await page.waitForSelector('#layer-details');
}

/** Type a value into a numeric field and commit it (Tab). */
async function type(page, id, value) {
  await page.fill(`#${id}`, value);
  await page.press(`#${id}`, 'Tab');
}

const stepCount = (page) => page.$eval('#train-stats', (el) => Number((el.textContent.match(/step (\d+)/) || [0, 0])[1]));

function assertNoNaN(text, where) {
  assert.ok(!/NaN|undefined|Infinity/.test(text), `${where}: ${text.match(/.{0,60}(NaN|undefined|Infinity).{0,60}/)?.[0]}`);
}

test('select, drag with a mouse, type values, add and delete, then train (desktop, K = 32)', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await setK(page, 32);

  // Layer 1 of a normalizing flow takes the data as input: stage K.
  await selectLayer(page, 1);
  await page.waitForFunction(() => document.querySelector('.stage-readout').textContent.startsWith('32.00 / 32'));
  assert.match(await page.textContent('.stage-note'), /data → base: its input is stage 32/);
  await frames(page);
  const before = await fieldValues(page, PLANAR);
  const heatBefore = await canvasStats(page, '#main-canvas');
  await page.locator('.canvas-wrap').scrollIntoViewIfNeeded();
  await shot(page, 'editor-planar-selected');

  // Drag the û tip with the mouse along a half circle (a real mouse: Input.dispatchMouseEvent).
  const [x0, y0] = await handleAt(page, 'UHat');
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 30; i += 1) {
    const a = (Math.PI * i) / 30;
    await page.mouse.move(x0 + 60 * Math.sin(a), y0 - 40 * (1 - Math.cos(a)));
  }
  await shot(page, 'editor-drag');
  await page.mouse.up();

  // Frame rate while dragging: 120 pointer moves, one per animation frame, dispatched in the
  // page (CDP round trips on a loaded machine would otherwise set the pace), counting the main
  // view's redraws (each sets data-grid-n) against the clock.
  await frames(page);
  const [hx, hy] = (await handles(page)).handles.UHat;
  const timing = await page.evaluate(async ([sx, sy]) => {
    const el = document.querySelector('#overlay-canvas');
    const r = el.getBoundingClientRect();
    let draws = 0;
    const obs = new MutationObserver((m) => { draws += m.length; });
    obs.observe(document.querySelector('#main-canvas'), { attributes: true, attributeFilter: ['data-grid-n'] });
    const fire = (type, x, y) => el.dispatchEvent(new PointerEvent(type, {
      clientX: r.left + x, clientY: r.top + y, pointerId: 41, pointerType: 'mouse', isPrimary: true,
      button: 0, buttons: type === 'pointerup' ? 0 : 1, bubbles: true, cancelable: true,
    }));
    const frame = () => new Promise((res) => requestAnimationFrame(res));
    fire('pointerdown', sx, sy);
    await frame();
    const t0 = performance.now();
    const d0 = draws;
    const stamps = [];
    for (let i = 1; i <= 120; i += 1) {
      const a = (2 * Math.PI * i) / 120;
      fire('pointermove', sx + 50 * Math.sin(a), sy + 30 * Math.sin(2 * a));
      stamps.push(await frame());
    }
    await frame();
    const ms = performance.now() - t0;
    const redraws = draws - d0;
    fire('pointerup', sx, sy);
    obs.disconnect();
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]).sort((a, b) => a - b);
    const grid = document.querySelector('#main-canvas').getAttribute('data-grid-n');
    return { ms, redraws, median: gaps[Math.floor(gaps.length / 2)], p90: gaps[Math.floor(gaps.length * 0.9)], grid };
  }, [hx, hy]);
  const fps = (1000 * timing.redraws) / timing.ms;
  console.log(`# drag at K = 32: ${timing.redraws} redraws for 120 moves in ${timing.ms.toFixed(0)} ms = ${fps.toFixed(1)} frames/s `
    + `(frame interval median ${timing.median.toFixed(1)} ms, p90 ${timing.p90.toFixed(1)} ms; density grid ${timing.grid}²)`);
  assert.ok(timing.redraws >= 100, `only ${timing.redraws} redraws for 120 moves`);
  // The frame rate is reported above, not asserted: performance is measured by the `drag` benchmark
  // (`#bench`, README), never by a timed test that a busy machine could fail.

  await page.waitForFunction((b) => {
    const now = ['edit-u0', 'edit-u1'].map((id) => document.getElementById(id).value);
    return now[0] !== b[0] || now[1] !== b[1];
  }, before);
  await frames(page);
  const after = await fieldValues(page, PLANAR);
  assert.equal(after[2], before[2], 'dragging û must not change w');
  const heatAfter = await canvasStats(page, '#main-canvas');
  assert.ok(Math.abs(heatAfter.mean - heatBefore.mean) + Math.abs(heatAfter.std - heatBefore.std) > 0.5,
    `the density did not follow the drag: ${JSON.stringify({ heatBefore, heatAfter })}`);

  // Break the condition by typing: w = (1, 0), u = (−3, 0) ⇒ wᵀu = −3 < −1.
  await type(page, 'edit-w0', '1');
  await type(page, 'edit-w1', '0');
  await type(page, 'edit-u1', '0');
  await type(page, 'edit-u0', '−3');
  await page.waitForSelector('#invert-indicator[data-state="warn"]');
  const warn = await page.textContent('#invert-indicator');
  assert.match(warn, /⚠/);
  assert.match(warn, /wᵀu = -3\.000 < −1/);
  assert.match(warn, /wᵀû = -0\.95\d+ > −1/);
  await frames(page);
  const heatWarn = await canvasStats(page, '#main-canvas');
  assert.ok(Number.isFinite(heatWarn.mean) && heatWarn.std > 1, JSON.stringify(heatWarn));
  await page.locator('#invert-indicator').scrollIntoViewIfNeeded();
  await shot(page, 'editor-warn');
  // …and back: u = (0.5, 0) is fine.
  await type(page, 'edit-u0', '0.5');
  await page.waitForSelector('#invert-indicator[data-state="ok"]');

  // Bad input: a clear message, the value kept.
  await type(page, 'edit-b', 'abc');
  await page.waitForSelector('#edit-error');
  assert.match(await page.textContent('#edit-error'), /not a number; kept/);
  assert.ok(Number.isFinite(Number(await page.inputValue('#edit-b'))));
  await type(page, 'edit-w0', '0');
  await page.waitForFunction(() => /‖w‖ must be at least/.test(document.querySelector('#edit-error')?.textContent || ''));
  assert.equal(await page.inputValue('#edit-w0'), '1');

  // Add a planar layer where we click, then delete it.
  await page.click('#add-planar');
  await page.waitForSelector('.placing-hint');
  await page.locator('.canvas-wrap').scrollIntoViewIfNeeded();
  const box = await page.locator('#overlay-canvas').boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.35);
  await page.waitForFunction(() => document.querySelectorAll('#layer-list li').length === 33);
  assert.match(await page.textContent('.notice-area'), /Adam's moments and the step count restart/);
  await frames(page); // the handles are drawn on the frame after the change
  const added = await handles(page);
  assert.ok(added.selected && added.kind === 'planar', JSON.stringify(added));
  await frames(page);
  await shot(page, 'editor-added');
  await page.click(`#layer-list li:nth-child(${added.layer + 1}) button[aria-label^="Delete layer"]`);
  await page.waitForFunction(() => document.querySelectorAll('#layer-list li').length === 32);
  assert.equal(await page.inputValue('#k-input'), '32');

  // Edit while paused, then train: it continues from the edited parameters.
  await selectLayer(page, 2);
  await type(page, 'edit-b', '0.75');
  await page.waitForFunction(() => document.getElementById('edit-b').value === '0.75');
  const s0 = await stepCount(page);
  // One Adam step moves each raw parameter by about the learning rate (5e−3): it starts from
  // the typed value, not from anything older.
  await page.click('button[aria-keyshortcuts="ArrowRight"]');
  await page.waitForFunction((s) => Number((document.querySelector('#train-stats').textContent.match(/step (\d+)/) || [0, 0])[1]) === s + 1, s0);
  const b1 = Number(await page.inputValue('#edit-b'));
  assert.ok(Math.abs(b1 - 0.75) <= 0.0051 && b1 !== 0.75, `b = ${b1} after one step from 0.75`);
  await page.click('#train-button');
  await page.waitForFunction((s) => Number((document.querySelector('#train-stats').textContent.match(/step (\d+)/) || [0, 0])[1]) >= s + 30, s0, { timeout: 30000 });
  await page.click('#train-button');
  assert.ok(Number.isFinite(Number(await page.inputValue('#edit-b'))));
  await shot(page, 'editor-trained');

  assertNoNaN(await page.textContent('body'), 'page text');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('drag a handle with a finger (phone, touch)', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await openTab(page, 'model');
  await page.locator('#layer-list li:nth-child(1) .layer-select').scrollIntoViewIfNeeded();
  await page.tap('#layer-list li:nth-child(1) .layer-select');
  await page.waitForFunction(() => JSON.parse(document.querySelector('#overlay-canvas').getAttribute('data-handles') || '{}').selected === true);
  await page.locator('.canvas-wrap').scrollIntoViewIfNeeded();
  await frames(page);
  const before = await fieldValues(page, PLANAR);
  const heatBefore = await canvasStats(page, '#main-canvas');

  // Drag the normal's tip: a real touch sequence through the DevTools protocol.
  const [x, y] = await handleAt(page, 'Normal');
  const cdp = await ctx.newCDPSession(page);
  const touch = (type, pts) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map(([tx, ty]) => ({ x: tx, y: ty })) });
  await touch('touchStart', [[x, y]]);
  for (let i = 1; i <= 20; i += 1) await touch('touchMove', [[x + 2.5 * i, y - 1.5 * i]]);
  await touch('touchEnd', []);
  await page.waitForFunction((b) => document.getElementById('edit-w0').value !== b[2] || document.getElementById('edit-w1').value !== b[3], before);
  await frames(page);
  const after = await fieldValues(page, PLANAR);
  assert.notDeepEqual(after.slice(2, 4), before.slice(2, 4), 'w did not change');
  const heatAfter = await canvasStats(page, '#main-canvas');
  assert.ok(Math.abs(heatAfter.mean - heatBefore.mean) + Math.abs(heatAfter.std - heatBefore.std) > 0.2,
    `the density did not follow the touch drag: ${JSON.stringify({ heatBefore, heatAfter })}`);
  await shot(page, 'editor-touch');
  assertNoNaN(await page.textContent('body'), 'page text');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('start from an empty flow, add radial and planar layers where clicked, pull β to the fold', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await openTab(page, 'model');
  await page.click('#clear-layers');
  await page.waitForFunction(() => document.querySelectorAll('#layer-list li').length === 0);
  assert.equal(await page.inputValue('#k-input'), '0');

  await page.click('#add-radial');
  await page.locator('.canvas-wrap').scrollIntoViewIfNeeded();
  const box = await page.locator('#overlay-canvas').boundingBox();
  await page.mouse.click(box.x + box.width * 0.62, box.y + box.height * 0.4);
  await page.waitForFunction(() => document.querySelectorAll('#layer-list li').length === 1);
  await handlesOfKind(page, 'radial');
  await page.click('#add-planar');
  await page.locator('.canvas-wrap').scrollIntoViewIfNeeded();
  const box2 = await page.locator('#overlay-canvas').boundingBox();
  await page.mouse.click(box2.x + box2.width * 0.35, box2.y + box2.height * 0.6);
  await page.waitForFunction(() => document.querySelectorAll('#layer-list li').length === 2);
  await handlesOfKind(page, 'planar');

  // Back to the radial layer; pull its β handle into the centre: it stops short of folding.
  const radialRow = await page.$$eval('#layer-list .layer-kind', (els) => els.findIndex((e) => e.dataset.kind === 'radial') + 1);
  await selectLayer(page, radialRow);
  await page.locator('.canvas-wrap').scrollIntoViewIfNeeded();
  await frames(page);
  const heatBefore = await canvasStats(page, '#main-canvas');
  const [bx, by] = await handleAt(page, 'Beta');
  const [cx, cy] = await handleAt(page, 'Centre');
  await page.mouse.move(bx, by);
  await page.mouse.down();
  for (let i = 1; i <= 15; i += 1) await page.mouse.move(bx + (cx - bx) * (i / 15), by + (cy - by) * (i / 15));
  await page.mouse.up();
  await page.waitForFunction(() => /Nearly folding/.test(document.querySelector('#invert-indicator')?.textContent || ''));
  const beta = Number(await page.inputValue('#edit-beta'));
  const alpha = Number(await page.inputValue('#edit-alpha'));
  assert.ok(beta > -alpha, `β = ${beta} ≤ −α = ${-alpha}`);
  await frames(page);
  const heatAfter = await canvasStats(page, '#main-canvas');
  assert.ok(Number.isFinite(heatAfter.mean) && Math.abs(heatAfter.mean - heatBefore.mean) + Math.abs(heatAfter.std - heatBefore.std) > 0.2,
    JSON.stringify({ heatBefore, heatAfter }));
  // Typing β ≤ −α is refused with a reason; the value is kept.
  await type(page, 'edit-beta', String(-2 * alpha));
  await page.waitForFunction(() => /β must be greater than −α/.test(document.querySelector('#edit-error')?.textContent || ''));
  assert.equal(Number(await page.inputValue('#edit-beta')), beta);
  await page.locator('.canvas-wrap').scrollIntoViewIfNeeded();
  await shot(page, 'editor-radial');
  assertNoNaN(await page.textContent('body'), 'page text');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
