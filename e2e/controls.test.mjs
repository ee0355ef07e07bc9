// One source of truth: every control shows the session's value after a link, a change of
// another control, a lesson and an undo — none keeps its own copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, shot, openTab } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (hash) => openPage(browser, `${server.url}#${hash}`, { viewport: { width: 1280, height: 900 } });
const hashHas = (page, s) => page.waitForFunction((x) => location.hash.includes(x), s, { timeout: 10000 });
// A checkbox's state, the pattern menu's visible choice, or a field's value.
const value = (page, sel) => page.$eval(sel, (el) => {
  if (el.type === 'checkbox') return String(el.checked);
  if (el.id === 'pattern-select') return el.selectedOptions[0]?.textContent ?? '';
  return el.value;
});

/** Types `v` into the input `sel` and commits it (change event). */
async function type(page, sel, v) {
  await page.fill(sel, String(v));
  await page.press(sel, 'Tab');
}

test('a radial link with seed 7 shows radial and 7; K = 8 keeps both (the reported bug)', async () => {
  const { ctx, page, problems } = await open('v=1&K=16&layers=16r&seed=7');
  assert.equal(await value(page, '#pattern-select'), 'radial');
  assert.equal(await value(page, '#seed-input'), '7');
  assert.equal(await value(page, '#k-input'), '16');
  // The link the page writes keeps the seed (it read seed=1 before).
  await hashHas(page, 'seed=7');
  await openTab(page, 'model');
  await type(page, '#k-input', 8);
  await hashHas(page, 'layers=8r');
  await hashHas(page, 'seed=7');
  assert.equal(await value(page, '#pattern-select'), 'radial');
  assert.equal(await value(page, '#seed-input'), '7');
  assert.equal(await page.locator('#layer-list li').count(), 8);
  assert.match(await page.textContent('#layer-list'), /radial/);
  assert.doesNotMatch(await page.textContent('#layer-list'), /planar/);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

// [link fragment, control, the value it must show, what the page's own link must keep]
const CASES = [
  ['K=5', '#k-input', '5', 'layers=5p'],
  ['K=12&layers=12r', '#pattern-select', 'radial', 'layers=12r'],
  ['K=6&layers=prprpr', '#pattern-select', 'planar + radial', 'layers=prprpr'],
  ['seed=9', '#seed-input', '9', 'seed=9'],
  ['mode=moons&n=400', '#preset-count', '400', 'n=400'],
  ['mode=moons&noise=0.1', '#preset-noise', '0.5', 'noise=0.1'],
  ['mode=moons&dseed=3', '#preset-seed', '3', 'dseed=3'],
  ['lr=0.02', '#lr-input', '0.020', 'lr=0.02'],
  ['batch=128', '#batch-select', '128', 'batch=128'],
  ['mode=u1&anneal=0', '#anneal-check', 'false', 'anneal=0'],
  ['mode=u1&asteps=1500', '#anneal-steps', '1500', 'asteps=1500'],
  ['show=grid,particles', '#view-particles', 'true', 'particles'],
  ['scale=log', '#view-log', 'true', 'scale=log'],
  ['loop=1', '#loop-check', 'true', 'loop=1'],
  ['speed=4', '#speed-select', '4', 'speed=4'],
];

test('every control shows a link\'s value, and changing another control keeps it', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  for (const [frag, sel, shown, kept] of CASES) {
    const page = await ctx.newPage();
    await page.goto(`${server.url}#v=1&${frag}`);
    await page.waitForSelector('#main-canvas[data-drawn="true"]');
    assert.equal(await value(page, sel), shown, `${frag}: ${sel}`);
    await hashHas(page, kept);
    // Another control: a new depth (it rebuilds the model), or for the stack's own depth and
    // pattern, a new seed.
    await openTab(page, 'model');
    if (sel === '#k-input' || sel === '#pattern-select') {
      await type(page, '#seed-input', 4);
      await hashHas(page, 'seed=4');
    } else {
      await type(page, '#k-input', 3);
      await page.waitForFunction(() => /K=3\b/.test(location.hash));
    }
    await hashHas(page, kept);
    assert.equal(await value(page, sel), shown, `${frag}: ${sel} after another change`);
    await page.close();
  }
  await ctx.close();
});

test('undo after a lesson restores every control, not only the canvas', async () => {
  const { ctx, page, problems } = await open('v=1&mode=rings&n=500&dseed=2&K=12&layers=12r&seed=5&lr=0.02&batch=128&show=grid,particles&loop=1');
  const controls = ['#k-input', '#pattern-select', '#seed-input', '#target-select', '#preset-count', '#preset-seed', '#lr-input', '#batch-select', '#view-particles', '#loop-check'];
  const before = {};
  for (const c of controls) before[c] = await value(page, c);
  assert.equal(before['#pattern-select'], 'radial');
  await openTab(page, 'lessons');
  await page.click('button[data-lesson="fig3-u2"]');
  await page.waitForSelector('#lesson-caption:has-text("Figure 3 · U2")');
  assert.equal(await value(page, '#k-input'), '32');
  assert.equal(await value(page, '#target-select'), 'energy:U2');
  await page.click('#train-button'); // pause what the lesson started
  await page.click('#undo-button');
  await page.waitForFunction(() => !document.querySelector('#lesson-caption'));
  for (const c of controls) assert.equal(await value(page, c), before[c], `${c} after undo`);
  await shot(page, 'controls-undo-lesson');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
