// Authored lessons (issue 22): three steps authored in the UI, shared as a link, opened in a
// fresh browser and stepped with →: each step shows the authoring browser's pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { serve, launch, shot, openPage, openTab, settled, frames, root, watchConsole } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** An exact digest of the main canvas's pixels (read through a scratch copy). */
const digest = (page) => page.$eval('#main-canvas', (src) => {
  const c = document.createElement('canvas');
  c.width = src.width; c.height = src.height;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(src, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let h = 2166136261 >>> 0;
  for (let i = 0; i < d.length; i += 1) h = Math.imul(h ^ d[i], 16777619) >>> 0;
  return `${c.width}x${c.height}:${h.toString(16)}`;
});
/** Serves `html` as index.html from a fresh directory on its own port: another origin. */
const articleServer = (html) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-lesson-article-'));
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  return serve(dir);
};
const stepCaption = (page) => page.textContent('#step-caption p');
const still = async (page) => { await settled(page); await frames(page); };

test('a 3-step lesson authored in the UI, shared as a link, shows each step exactly in a fresh browser', async () => {
  const a = await openPage(browser, `${server.url}#v=1&mode=moons&K=4&layers=4p&stage=0`);
  await openTab(a.page, 'lessons');
  await a.page.fill('#authored-title', 'Planar flows');
  await a.page.press('#authored-title', 'Tab');
  const captions = ['The base density N(0, I): *nothing* has happened yet.', 'The paper\'s U1 with 4 planar layers.', 'Eight Gaussians: back to stage 0 on arrival.'];
  // Step 1: the moons at stage 0.
  await a.page.click('#authored-add');
  // Step 2: U1 at stage 4 (the model).
  await a.page.selectOption('#target-select', 'energy:U1');
  await a.page.focus('#stage-slider');
  await a.page.keyboard.press('End');
  await a.page.waitForFunction(() => document.querySelector('#stage-slider').value === '4');
  await openTab(a.page, 'lessons');
  await a.page.click('#authored-add');
  // Step 3: eight Gaussians at stage 4, and "go to stage 0" on arrival.
  await a.page.selectOption('#target-select', 'preset:1');
  await openTab(a.page, 'lessons');
  await a.page.click('#authored-add');
  for (const [i, c] of captions.entries()) {
    await a.page.fill(`#step-caption-${i}`, c);
    await a.page.press(`#step-caption-${i}`, 'Tab');
  }
  await a.page.selectOption('#step-action-2', 'stage:0');
  // Present: ← / → step, the captions and the counter follow; the pictures are recorded.
  await a.page.click('#authored-present');
  const seen = [];
  for (let i = 0; i < 3; i += 1) {
    if (i > 0) await a.page.keyboard.press('ArrowRight');
    await a.page.waitForFunction((n) => document.querySelector('#step-caption')?.textContent.includes(`step ${n} / 3`), i + 1);
    await still(a.page);
    seen.push(await digest(a.page));
    await shot(a.page, `authored-step-${i + 1}`);
  }
  assert.match(await stepCaption(a.page), /Eight Gaussians: back to stage 0/);
  assert.equal(await a.page.inputValue('#target-select'), 'preset:1');
  assert.equal(await a.page.inputValue('#stage-slider'), '0', 'the arrival action ran');
  assert.notEqual(seen[1], seen[0], 'U1 at stage 4 is not the base density');
  assert.equal(seen[2], seen[0], 'stage 0 is the base density N(0, I) whatever the flow');
  assert.equal(await a.page.$eval('#step-caption em', (e) => e.textContent).catch(() => null), null, 'step 3 has no emphasis');
  await a.page.keyboard.press('ArrowLeft');
  await a.page.keyboard.press('ArrowLeft');
  await a.page.waitForFunction(() => document.querySelector('#step-caption')?.textContent.includes('step 1 / 3'));
  assert.equal(await a.page.textContent('#step-caption em'), 'nothing', '*emphasis* in italics');
  // Share.
  await a.page.click('#authored-link');
  const link = await a.page.inputValue('#authored-url');
  assert.ok(link.startsWith(server.url) && link.includes('#authored-z='), link.slice(0, 80));
  // The link is the lesson's JSON, raw-deflated: Node's zlib (an independent inflater) reads it.
  const lessonJson = JSON.parse(zlib.inflateRawSync(Buffer.from(link.split('#authored-z=')[1], 'base64url')).toString());
  assert.equal(lessonJson.format, 'flow-playground-lesson');
  assert.equal(lessonJson.title, 'Planar flows');
  assert.deepEqual(lessonJson.steps.map((s) => s.caption), captions);
  assert.deepEqual(lessonJson.steps.map((s) => s.action), ['none', 'none', 'stage:0']);
  const plainLength = Buffer.from(JSON.stringify(lessonJson)).toString('base64url').length;
  console.error(`lesson link: ${link.length} characters (uncompressed it would be ~${plainLength + server.url.length + 10})`);

  // A fresh browser opens the lesson at step 1; → shows steps 2 and 3 with the same pixels.
  const b = await openPage(browser, link);
  for (let i = 0; i < 3; i += 1) {
    if (i > 0) await b.page.keyboard.press('ArrowRight');
    await b.page.waitForFunction((n) => document.querySelector('#step-caption')?.textContent.includes(`Planar flows · step ${n} / 3`), i + 1);
    await still(b.page);
    assert.equal(await digest(b.page), seen[i], `step ${i + 1}'s pixels differ from the authoring browser's`);
    assert.ok((await stepCaption(b.page)).includes(captions[i].replaceAll('*', '')), await stepCaption(b.page));
  }
  // The address keeps the lesson while it is presented; Esc stops presenting.
  assert.ok((await b.page.evaluate(() => location.hash)).startsWith('#authored-z='));
  await b.page.keyboard.press('Escape');
  await b.page.waitForSelector('#step-caption', { state: 'detached' });
  assert.deepEqual(b.problems, [], b.problems.join('\n'));
  assert.deepEqual(a.problems, [], a.problems.join('\n'));
  await b.ctx.close();
  await a.ctx.close();
});

test('lessons deflated by another compressor or not compressed at all open; damaged ones say so', async () => {
  const lesson = {
    format: 'flow-playground-lesson', version: 1, title: 'From Node',
    steps: [
      { state: 'v=1&mode=moons&K=4&layers=4p&stage=4', caption: 'Moons at the model.', action: 'none' },
      { state: 'v=1&mode=u2&K=4&layers=4p&stage=2', caption: 'U2, stage 2.', action: 'none' },
    ],
  };
  const json = Buffer.from(JSON.stringify(lesson));
  for (const frag of [`authored-z=${zlib.deflateRawSync(json, { level: 9 }).toString('base64url')}`, `authored=${json.toString('base64url')}`]) {
    const { ctx, page, problems } = await openPage(browser, `${server.url}#${frag}`);
    await page.waitForFunction(() => /From Node · step 1 \/ 2: Moons at the model\./.test(document.querySelector('#step-caption')?.textContent ?? ''));
    assert.equal(await page.inputValue('#stage-slider'), '4');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => /step 2 \/ 2: U2, stage 2\./.test(document.querySelector('#step-caption')?.textContent ?? ''));
    assert.equal(await page.inputValue('#target-select'), 'energy:U2');
    assert.equal(await page.inputValue('#stage-slider'), '2');
    assert.equal(await page.evaluate(() => location.hash), `#${frag}`, 'the address keeps the lesson');
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  }
  for (const frag of ['authored-z=AAAA', 'authored-z=%%%', `authored-z=${zlib.deflateRawSync(Buffer.from('{"format":"x"}')).toString('base64url')}`]) {
    const { ctx, page } = await openPage(browser, `${server.url}#${frag}`);
    await page.waitForSelector('.notice');
    assert.match(await page.textContent('.notice'), /Could not open the lesson/, frag);
    assert.ok(!/NaN|Infinity/.test(await page.textContent('body')));
    await ctx.close();
  }
});

test('a damaged lesson link opens the app with a notice; the lesson file round-trips', async () => {
  const { ctx, page, problems } = await openPage(browser, `${server.url}#authored=not-a-lesson`);
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /Could not open the lesson/);
  assert.ok(!/NaN|Infinity/.test(await page.textContent('body')));
  await page.click('.notice [aria-label="Dismiss notice"]');
  // Author one step, save it, open the file: the step is shown.
  await openTab(page, 'lessons');
  await page.click('#authored-add');
  await page.fill('#step-caption-0', 'From a file');
  await page.press('#step-caption-0', 'Tab');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#authored-save')]);
  const file = await dl.path();
  await page.setInputFiles('#authored-open', file);
  await page.waitForFunction(() => /From a file/.test(document.querySelector('#step-caption')?.textContent ?? ''));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('a built-in lesson made one\'s own: one step that starts it; "train until" stops at its target', async () => {
  const { ctx, page, problems } = await openPage(browser, `${server.url}#v=1&mode=moons&K=4&layers=4p`);
  await openTab(page, 'lessons');
  assert.equal(await page.isDisabled('#lesson-adopt'), true, 'no lesson shown yet');
  await page.click('[data-lesson="planar-vs-radial"]');
  await openTab(page, 'lessons');
  await page.click('#lesson-adopt');
  assert.match(await page.inputValue('#step-caption-0'), /two circles fitted by 16 planar and by 16 radial layers/);
  assert.equal(await page.inputValue('#step-action-0'), 'start');
  // Every lesson as one: a step each, all starting their lesson.
  await page.click('#lessons-adopt-all');
  assert.equal(await page.inputValue('#authored-title'), 'The lessons of Flow Playground');
  assert.equal(await page.locator('#authored-steps > li').count(), 13);
  // Step 5 (planar vs radial) presented: its comparison trains, as its button would.
  await page.click('[aria-label="Show step 5"]');
  await page.waitForFunction(() => /step 5 \/ 13/.test(document.querySelector('#step-caption')?.textContent ?? ''));
  await page.waitForFunction(() => /Pause/.test(document.querySelector('#train-button')?.textContent ?? ''));
  assert.equal(await page.inputValue('#target-select'), 'preset:' + await page.$eval('#target-select', (s) => s.value.split(':')[1]));
  await page.click('#train-button');
  await page.keyboard.press('Escape');
  // "Train until": U1 with 4 planar layers until the free energy is at most 0.
  await page.goto(`${server.url}#v=1&mode=u1&K=4&layers=4p&seed=1`);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await openTab(page, 'lessons');
  await page.click('#authored-add');
  await page.selectOption('#step-action-0', 'reach');
  await page.fill('#step-param-0', '0');
  await page.press('#step-param-0', 'Tab');
  await page.click('[aria-label="Show step 1"]');
  await page.waitForFunction(() => /Reached -?\d+\.\d+ \(at most 0\)/.test(document.querySelector('.notice-text')?.textContent ?? ''), null, { timeout: 60000 });
  const reached = Number((await page.textContent('.notice-text')).match(/Reached (-?\d+\.\d+)/)[1]);
  assert.ok(reached <= 0, `${reached}`);
  // Training paused there: the step count stays put.
  const stepOf = () => page.evaluate(() => Number(document.querySelector('#train-stats').textContent.match(/step ([\d,]+)/i)?.[1].replace(/,/g, '') ?? NaN));
  const s1 = await stepOf();
  await frames(page);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await stepOf(), s1, 'training paused at the target');
  // "Probe a point": arriving at the step traces (1, 0.5) through the layers (the Probe panel).
  await page.click('[aria-label="Dismiss notice"]');
  await openTab(page, 'lessons');
  await page.selectOption('#step-action-0', 'probe');
  await page.fill('#step-param-0', '1, 0.5');
  await page.press('#step-param-0', 'Tab');
  await page.fill('#step-param-0', 'one, half');
  await page.press('#step-param-0', 'Tab');
  await page.waitForFunction(() => /is not two numbers x, y within ±100/.test(document.querySelector('.notice-text')?.textContent ?? ''));
  assert.equal(await page.inputValue('#step-param-0'), '1, 0.5', 'a bad point changes nothing');
  await page.click('[aria-label="Show step 1"]');
  await page.waitForSelector('#panel-probe:not([hidden])');
  await page.waitForFunction(() => /1\.000?.*0\.500?/.test(document.querySelector('#panel-probe')?.textContent ?? ''));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

const AXE = fs.readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const audit = async (page) => {
  await page.evaluate(AXE);
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`));
};
const longLesson = {
  format: 'flow-playground-lesson', version: 1, title: 'Planar flows, step by step',
  steps: [
    { state: 'v=1&mode=u1&K=4&layers=4p&stage=4', caption: 'One planar layer is f(z) = z + u·h(wᵀz + b): it moves the plane along u by an amount that depends only on wᵀz + b, so *each layer folds along one line*. Four layers on U1 already split the Gaussian in two; the density is exact at every stage.', action: 'none' },
    { state: 'v=1&mode=moons&K=4&layers=4p&stage=2', caption: 'Stage 2 of 4 on the moons.', action: 'none' },
  ],
};

test('presenting an authored lesson in presenter mode: the step caption beside the canvas at every projector size; axe finds nothing', async () => {
  const frag = `authored-z=${zlib.deflateRawSync(Buffer.from(JSON.stringify(longLesson))).toString('base64url')}`;
  for (const [w, h] of [[1280, 800], [1366, 768], [1920, 1080]]) {
    const { ctx, page, problems } = await openPage(browser, `${server.url}#${frag}`, { viewport: { width: w, height: h }, bypassCSP: true });
    await page.waitForSelector('#step-caption');
    await page.keyboard.press('f');
    await page.waitForSelector('.app.presenter');
    await still(page);
    const canvas = await page.locator('#main-canvas').boundingBox();
    const caption = await page.locator('#step-caption').boundingBox();
    const apart = caption.x >= canvas.x + canvas.width || caption.x + caption.width <= canvas.x
      || caption.y >= canvas.y + canvas.height || caption.y + caption.height <= canvas.y;
    assert.ok(apart, `${w}x${h}: caption ${JSON.stringify(caption)} over canvas ${JSON.stringify(canvas)}`);
    assert.ok(caption.x + caption.width <= w && caption.y + caption.height <= h, `${w}x${h}: caption inside the screen`);
    assert.ok(canvas.height >= 0.6 * h, `${w}x${h}: canvas ${canvas.height}px of ${h}`);
    assert.ok(await page.$eval('#step-caption', (el) => el.scrollHeight <= el.clientHeight + 1), `${w}x${h}: the caption overflows`);
    await shot(page, `authored-presenter-${w}x${h}`);
    if (w === 1366) assert.deepEqual(await audit(page), [], 'presenter mode, step caption');
    // → in presenter mode goes on to step 2.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => /step 2 \/ 2/.test(document.querySelector('#step-caption')?.textContent ?? ''));
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  }
  for (const [name, opts] of [
    ['laptop-light', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }],
    ['phone-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
  ]) {
    const { ctx, page } = await openPage(browser, `${server.url}#${frag}`, { ...opts, bypassCSP: true });
    await page.waitForSelector('#step-caption');
    await openTab(page, 'lessons');
    await page.selectOption('#step-action-1', 'reach');
    await page.locator('#authored-steps').scrollIntoViewIfNeeded();
    await shot(page, `authored-panel-${name}`);
    assert.deepEqual(await audit(page), [], `authoring panel, ${name}`);
    await ctx.close();
  }
});

test('a lesson embedded in an article on another origin: canvas, timeline and the step caption; the article steps it', async () => {
  const frag = `authored-z=${zlib.deflateRawSync(Buffer.from(JSON.stringify(longLesson))).toString('base64url')}`;
  const { ctx: c0, page: p0 } = await openPage(browser, `${server.url}#${frag}`);
  await p0.waitForSelector('#step-caption');
  await openTab(p0, 'lessons');
  await p0.click('#authored-link');
  const code = await p0.inputValue('#authored-embed');
  await c0.close();
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#authored-z=[A-Za-z0-9_-]+&amp;embed=1" [^>]*sandbox="allow-scripts allow-same-origin[^"]*"/);
  const site = await articleServer(`<!doctype html><title>Article</title><link rel="icon" href="data:,">
    <script>window.send = (m) => document.querySelector('iframe').contentWindow.postMessage(m, '*');</script>
    <h1>Planar flows</h1>${code}<p>After.</p>`);
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(site.url);
  const frame = page.frameLocator('iframe');
  await frame.locator('#main-canvas[data-drawn="true"]').waitFor({ timeout: 30000 });
  await frame.locator('#step-caption').waitFor();
  assert.match(await frame.locator('#step-caption').textContent(), /Planar flows, step by step · step 1 \/ 2/);
  assert.equal(await frame.locator('.app.embedded').count(), 1, 'an embed: no panels');
  assert.equal(await frame.locator('header').isVisible(), false);
  await page.evaluate(() => window.send({ type: 'flow:next-step' }));
  await frame.locator('#step-caption', { hasText: 'step 2 / 2' }).waitFor();
  assert.equal(await frame.locator('.app.embedded').count(), 1, 'still an embed at step 2');
  assert.equal(await frame.locator('#stage-slider').inputValue(), '2');
  await frame.locator('#step-prev').click();
  await frame.locator('#step-caption', { hasText: 'step 1 / 2' }).waitFor();
  await page.evaluate(() => window.send({ type: 'flow:go-step', step: 9 }));
  await frame.locator('#step-caption', { hasText: 'step 2 / 2' }).waitFor();
  await shot(page, 'authored-embed-article');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
  await site.close();
});

test('the lesson being written survives a reload; opening someone else\'s lesson link keeps it; New lesson asks first', async () => {
  const { ctx, page, problems } = await openPage(browser, `${server.url}#v=1&mode=moons&K=4&layers=4p`);
  await openTab(page, 'lessons');
  await page.click('#authored-add');
  await page.fill('#step-caption-0', 'Mine, not yet saved anywhere');
  await page.press('#step-caption-0', 'Tab');
  await page.reload();
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await openTab(page, 'lessons');
  assert.equal(await page.inputValue('#step-caption-0'), 'Mine, not yet saved anywhere', 'kept across the reload');
  // Someone else's lesson, opened in another tab, is shown there but does not replace the draft.
  const other = await ctx.newPage();
  await other.goto(`${server.url}#authored-z=${zlib.deflateRawSync(Buffer.from(JSON.stringify(longLesson))).toString('base64url')}`);
  await other.waitForSelector('#step-caption');
  await other.close();
  const again = await ctx.newPage();
  await again.goto(server.url);
  await again.waitForSelector('#main-canvas[data-drawn="true"]');
  await openTab(again, 'lessons');
  assert.equal(await again.inputValue('#step-caption-0'), 'Mine, not yet saved anywhere');
  // New lesson: cancelled, nothing goes; confirmed, the draft is empty, and stays so.
  again.once('dialog', (d) => d.dismiss());
  await again.click('#authored-new');
  assert.equal(await again.locator('#authored-steps > li').count(), 1);
  again.once('dialog', (d) => { assert.match(d.message(), /This lesson's 1 step will be gone/); d.accept(); });
  await again.click('#authored-new');
  await again.waitForFunction(() => document.querySelectorAll('#authored-steps > li').length === 0);
  await again.reload();
  await again.waitForSelector('#main-canvas[data-drawn="true"]');
  await openTab(again, 'lessons');
  assert.equal(await again.locator('#authored-steps > li').count(), 0);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
