// Lessons (one click: state + caption + comparison), the comparison panel, and undo/redo of
// whole states (lessons, layer edits, clearing points).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, openPage, openTab } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (url) => openPage(browser, url, { viewport: { width: 1280, height: 900 } });

const steps = (page) => page.$$eval('.compare-canvas[id^="compare-canvas-"]', (els) => els.map((e) => Number(e.getAttribute('data-step') ?? -1)));
const hashHas = (page, s) => page.waitForFunction((x) => location.hash.includes(x), s);

test('Figure 3 lesson: caption, K = 2/8/32 side by side trained in equal steps, in the link', async () => {
  const { ctx, page, problems } = await open(server.url);
  await openTab(page, 'lessons');
  await page.click('button[data-lesson="fig3-u1"]');
  await page.waitForSelector('#lesson-caption:has-text("Figure 3 · U1")');
  assert.equal(await page.getAttribute('button[data-lesson="fig3-u1"]', 'aria-pressed'), 'true');
  assert.equal(await page.inputValue('#target-select'), 'energy:U1');
  // Target panel plus three flows, captioned with their depth.
  await page.waitForSelector('#compare-target');
  const captions = await page.$$eval('.compare figcaption', (els) => els.map((e) => e.textContent));
  assert.equal(captions.length, 4, captions.join(' | '));
  assert.match(captions[1], /^planar K = 2 · step/);
  assert.match(captions[3], /^planar K = 32 · step/);
  // They train (the lesson starts them), in equal numbers of steps: paused, every panel shows
  // its flow at (nearly) the same step. (While training, panels refresh one per frame.)
  await page.waitForFunction(() => Number(document.querySelector('#compare-canvas-2').getAttribute('data-step')) >= 200, null, { timeout: 60000 });
  await page.click('#compare-train'); // pause
  await page.waitForFunction(() => {
    const s = [...document.querySelectorAll('.compare-canvas[id^="compare-canvas-"]')].map((e) => Number(e.getAttribute('data-step')));
    return s.length === 3 && Math.max(...s) - Math.min(...s) <= 1;
  }, null, { timeout: 30000 });
  const s = await steps(page);
  assert.ok(Math.min(...s) >= 200, `steps ${s}`);
  await page.click('#compare-train'); // resume
  await page.waitForFunction(() => [...document.querySelectorAll('.compare figcaption')].slice(1).every((f) => /free energy -?\d/.test(f.textContent)), null, { timeout: 60000 });
  await hashHas(page, 'lesson=fig3-u1');
  await hashHas(page, 'cmp=depths');
  await shot(page, 'lessons-fig3-u1');
  await page.click('#compare-train'); // pause
  await hashHas(page, 'asteps=1500');
  // Another target ends the lesson (its caption would now be wrong); the comparison follows the
  // new target (no target panel for points).
  await page.selectOption('#target-select', 'preset:2');
  await page.waitForFunction(() => !document.querySelector('#lesson-caption'));
  await page.waitForFunction(() => !document.querySelector('#compare-target') && document.querySelectorAll('.compare figcaption').length === 3);
  // The link names the preset (not every point) and no longer the lesson.
  await hashHas(page, 'mode=circles');
  const hash = await page.evaluate(() => location.hash);
  assert.ok(!hash.includes('lesson=') && !hash.includes('pts='), hash.slice(0, 200));
  // Undo returns to the lesson exactly as it was: its energy, its caption.
  await page.click('#undo-button');
  await page.waitForSelector('#lesson-caption:has-text("Figure 3 · U1")');
  assert.equal(await page.inputValue('#target-select'), 'energy:U1');
  assert.ok(!/NaN/.test(await page.textContent('body')));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('a lesson link opens with its caption and comparison; undo and redo restore whole states', async () => {
  const { ctx, page, problems } = await open(`${server.url}#lesson=planar-vs-radial&cmp=kinds&mode=circles&K=16`);
  await page.waitForSelector('#lesson-caption:has-text("Planar vs radial")');
  const caps = await page.$$eval('.compare figcaption', (els) => els.map((e) => e.textContent));
  assert.deepEqual(caps.map((c) => c.split(' · ')[0]), ['planar K = 16', 'radial K = 16']);
  assert.equal(await page.locator('#compare-target').count(), 0, 'no target panel for points');

  // Undo a lesson: back to the link's state; redo: the lesson again.
  await openTab(page, 'lessons');
  await page.click('button[data-lesson="one-layer"]');
  await page.waitForSelector('#lesson-caption:has-text("One layer at a time")');
  assert.equal(await page.getAttribute('#stage-slider', 'max'), '1');
  assert.equal(await page.locator('.compare').count(), 0);
  await page.click('#undo-button');
  await page.waitForSelector('#lesson-caption:has-text("Planar vs radial")');
  assert.equal(await page.getAttribute('#stage-slider', 'max'), '16');
  assert.equal(await page.inputValue('#target-select'), 'preset:2');
  await page.waitForSelector('.compare figcaption');
  await page.keyboard.press('Control+Shift+Z');
  await page.waitForSelector('#lesson-caption:has-text("One layer at a time")');

  // A typed layer edit is one undo step: the field gets its old value back.
  await openTab(page, 'model');
  const field = page.locator('.editor input[type="text"]').first();
  const before = await field.inputValue();
  await field.fill('0.25');
  await field.press('Enter');
  await page.waitForFunction((b) => document.querySelector('.editor input[type="text"]').value !== b, before);
  await page.click('#undo-button');
  await page.waitForFunction((b) => document.querySelector('.editor input[type="text"]').value === b, before);

  // Clearing points is undone by Ctrl+Z (the keyboard shortcut) with every point back.
  await openTab(page, 'lessons');
  await page.click('button[data-lesson="planar-vs-radial"]');
  await page.waitForFunction(() => /^1000 points/.test(document.querySelector('#points-info').textContent));
  await openTab(page, 'data');
  await page.click('button:has-text("Clear points")');
  await page.waitForFunction(() => /^0 points/.test(document.querySelector('#points-info').textContent));
  await page.locator('#main-canvas').focus().catch(() => {});
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => /^1000 points/.test(document.querySelector('#points-info').textContent));
  // A new stack (K = 4) is undone back to the 16 layers it replaced.
  await openTab(page, 'model');
  await page.fill('#k-input', '4');
  await page.press('#k-input', 'Tab');
  await page.waitForFunction(() => document.querySelector('#stage-slider').getAttribute('max') === '4');
  await page.click('#undo-button');
  await page.waitForFunction(() => document.querySelector('#stage-slider').getAttribute('max') === '16');
  await shot(page, 'lessons-planar-vs-radial');
  assert.ok(!/NaN/.test(await page.textContent('body')));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('an embedded lesson shows its caption and comparison, and no controls', async () => {
  const { ctx, page, problems } = await open(`${server.url}#lesson=fig3-u2&cmp=depths&mode=u2&K=32&anneal=1&asteps=1500&embed=1`);
  await page.waitForSelector('#lesson-caption:has-text("Figure 3 · U2")');
  await page.waitForSelector('#compare-target');
  assert.equal(await page.locator('.tabs').isVisible(), false);
  assert.equal(await page.locator('.compare figcaption').count(), 4);
  await page.click('#compare-train');
  await page.waitForFunction(() => Number(document.querySelector('#compare-canvas-0').getAttribute('data-step')) > 50, null, { timeout: 30000 });
  await shot(page, 'lessons-embedded');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('the layer open in the editor travels in the link', async () => {
  const a = await open(server.url);
  await openTab(a.page, 'lessons');
  await a.page.click('button[data-lesson="one-layer"]');
  await a.page.waitForSelector('#layer-details[aria-label="Layer 1 (planar)"]');
  await hashHas(a.page, 'sel=1');
  const link = `${server.url}${await a.page.evaluate(() => location.hash)}`;
  await a.ctx.close();
  const b = await open(link);
  await b.page.waitForSelector('#layer-details[aria-label="Layer 1 (planar)"]');
  assert.deepEqual(b.problems, [], b.problems.join('\n'));
  await b.ctx.close();
});
