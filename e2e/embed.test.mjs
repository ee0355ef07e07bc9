// Embedding on another site: the snippet exactly as the app writes it (Share → Embed →
// #share-text), in an article served from ANOTHER origin, with the app's server sending no CORS
// header (as python's http.server, nginx or Apache do by default); then the control API an
// article drives the embed with (postMessage), and docs/embed-example.html scrolled through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, watchConsole, shot, openPage, openTab, root, frames, framesFor } from './harness.mjs';
import { articleKit } from './article.mjs';

let app, browser, kit;
let snippet, article, drivingArticle, frameOf, waitEvent, eventCount, appFrame, linkOf, waitLink, sliderOf, stageOf, appFrames;
before(async () => {
  app = await serve();
  browser = await launch();
  kit = articleKit(browser, app);
  ({ snippet, article, drivingArticle, frameOf, waitEvent, eventCount, appFrame, linkOf, waitLink, sliderOf, stageOf, appFrames } = kit);
});
after(async () => {
  await browser?.close();
  await app?.close();
  await kit?.close();
});


test('the snippet, pasted as-is into a page on another origin, draws with no CORS header', async () => {
  const code = await snippet();
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#v=1&amp;[^"]*embed=1[^"]*" [^>]*sandbox="allow-scripts allow-same-origin[^"]*"[^>]*><\/iframe>$/);
  const site = await article({ 'index.html': `<!doctype html><title>A blog post</title><h1>Flows</h1>\n${code}\n<p>After.</p>` });
  assert.notEqual(new URL(site.url).origin, new URL(app.url).origin);
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  const headers = [];
  page.on('response', (r) => { if (r.url().startsWith(app.url)) headers.push(r.headers()); });
  await page.goto(site.url);
  await frameOf(page).locator('#main-canvas[data-drawn="true"]').waitFor({ timeout: 30000 });
  // The frame kept the app's origin and shows the embed (canvas and timeline only).
  assert.equal(await frameOf(page).locator('header').isVisible(), false);
  assert.ok(await sliderOf(page).isVisible());
  assert.ok(headers.length >= 3, 'the page, its script and its WebAssembly came from the app');
  assert.ok(headers.every((h) => !('access-control-allow-origin' in h)), 'the app server sent a CORS header');
  assert.ok(app.requests.some((r) => r.path.endsWith('_bg.wasm') && r.status === 200));
  await shot(page, 'embed-other-origin');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('why allow-same-origin: an opaque-origin frame loads the app only from a server that sends CORS headers', async () => {
  const code = await snippet();
  const opaque = code.replace(/sandbox="[^"]*"/, 'sandbox="allow-scripts"');
  const appWithCors = await serve(undefined, { cors: true });
  const site = await article({
    'plain.html': `<!doctype html>${opaque}`,
    'cors.html': `<!doctype html>${opaque.replace(app.url, appWithCors.url)}`,
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  // Blank: the module script is a cross-origin request from the frame's opaque origin.
  const blocked = page.waitForEvent('requestfailed', (r) => r.url().startsWith(app.url));
  await page.goto(`${site.url}plain.html`);
  await blocked;
  assert.equal(await frameOf(page).locator('#main-canvas').count(), 0);
  // The same frame draws when the server adds `access-control-allow-origin: *`.
  await page.goto(`${site.url}cors.html`);
  await frameOf(page).locator('#main-canvas[data-drawn="true"]').waitFor({ timeout: 30000 });
  await ctx.close();
  await appWithCors.close();
});

test('control API: stage, play, train, lesson, link, overlays; malformed and foreign messages change nothing', async () => {
  const { ctx, page, problems, ready, send } = await drivingArticle(
    `<p>An article about flows.</p>
      <iframe name="sibling" title="another widget" srcdoc="<p>another widget</p>"></iframe>`,
    { width: 1000, height: 1000 },
  );
  await frameOf(page).locator('#main-canvas[data-drawn="true"]').waitFor();
  assert.deepEqual({ ...ready, at: 0 }, { at: 0, type: 'flow:ready', version: 1, stage: await stageOf(page), k: 16, lesson: null });

  // Stage: the frame shows it and says so.
  let n = await eventCount(page);
  await send({ type: 'flow:set-stage', stage: 2.5 });
  assert.deepEqual((({ stage, k }) => ({ stage, k }))(await waitEvent(page, 'flow:stage', 'e.stage === 2.5', n)), { stage: 2.5, k: 16 });
  assert.equal(await stageOf(page), 2.5);

  // Play, then pause: the stage moves on, then stops where it is.
  n = await eventCount(page);
  await send({ type: 'flow:play' });
  await waitEvent(page, 'flow:stage', 'e.stage > 2.6', n);
  await frameOf(page).getByRole('button', { name: /^❚❚ Pause/ }).waitFor();
  await send({ type: 'flow:pause' });
  await frameOf(page).getByRole('button', { name: /^▶ Play/ }).waitFor();
  const paused = await stageOf(page);
  await appFrames(page);
  assert.equal(await stageOf(page), paused, 'the timeline kept playing after flow:pause');

  // Train: step events with a finite loss, at most a few per second; pausing sends a last one.
  n = await eventCount(page);
  await send({ type: 'flow:train' });
  await page.waitForFunction((i) => window.events.slice(i).filter((e) => e.type === 'flow:step' && e.training).length >= 5, n, { timeout: 30000 });
  await send({ type: 'flow:pause-training' });
  const last = await waitEvent(page, 'flow:step', '!e.training', n);
  const steps = (await page.evaluate(() => window.events)).slice(n).filter((e) => e.type === 'flow:step');
  assert.ok(steps.every((e) => Number.isInteger(e.step)), JSON.stringify(steps));
  assert.ok(steps.filter((e) => e.training).every((e) => Number.isFinite(e.loss)), JSON.stringify(steps));
  for (let i = 1; i < steps.length; i += 1) assert.ok(steps[i].step >= steps[i - 1].step, 'steps go forward');
  const gaps = steps.slice(1).filter((e) => e.training).map((e, i) => e.at - steps[i].at);
  assert.ok(gaps.every((g) => g > 150), `step events closer than the throttle: ${gaps.map(Math.round)}`);
  assert.ok(last.step > 0);

  // A lesson: set up as its button does, still embedded (no panels unfold in the article).
  n = await eventCount(page);
  await send({ type: 'flow:set-lesson', lesson: 'fig3-u1' });
  await waitEvent(page, 'flow:lesson', "e.lesson === 'fig3-u1'", n);
  await frameOf(page).locator('#lesson-caption').waitFor();
  assert.equal(await frameOf(page).locator('header').isVisible(), false);
  assert.equal(await frameOf(page).locator('.tabs').isVisible(), false);
  // The lesson trains (its main flow and the comparison); pause it once it has stepped.
  await waitEvent(page, 'flow:step', 'e.training && e.step > 0', n);
  await send({ type: 'flow:pause-training' });

  // A whole link's state (here: four layers on U2, stage 1), still embedded; the lesson ends.
  n = await eventCount(page);
  await send({ type: 'flow:load', config: 'v=1&mode=u2&K=4&stage=1&show=grid' });
  await waitEvent(page, 'flow:lesson', 'e.lesson === null', n);
  await waitEvent(page, 'flow:step', 'e.step === 0 && !e.training', n);
  await frameOf(page).locator('#stage-slider[max="4"]').waitFor();
  assert.equal(await stageOf(page), 1);
  assert.equal(await frameOf(page).locator('header').isVisible(), false);

  // Overlays on and off.
  await send({ type: 'flow:overlays', particles: true, grid: false });
  await waitLink(page, 'show', 'particles');

  // Malformed messages, and messages from windows that are not the parent, change nothing.
  const before = await linkOf(page);
  const events0 = await eventCount(page);
  await page.evaluate(() => {
    const cyclic = { type: 'flow:set-stage', stage: 3 };
    cyclic.self = cyclic;
    for (const m of ['garbage', '{"type":"flow:set-stage","stage":', 42, null, [1, 2], { type: 'flow:explode' },
      { type: 'flow:set-stage', stage: '0' }, { type: 'flow:set-lesson', lesson: 'nope' }, { type: 'flow:load', config: 'K=9' },
      { type: 'flow:overlays', colour: true }, cyclic, { stage: 0 }]) window.send(m);
  });
  await page.frame({ name: 'sibling' }).evaluate(() => {
    parent.document.querySelector('iframe[title^="Flow Playground"]').contentWindow.postMessage({ type: 'flow:set-stage', stage: 0 }, '*');
    parent.document.querySelector('iframe[title^="Flow Playground"]').contentWindow.postMessage({ type: 'flow:load', config: 'v=1&mode=u4&K=2' }, '*');
  });
  const [popup] = await Promise.all([ctx.waitForEvent('page'), page.evaluate(() => { window.popup = window.open('about:blank'); })]);
  await popup.evaluate(() => {
    opener.document.querySelector('iframe[title^="Flow Playground"]').contentWindow.postMessage({ type: 'flow:set-stage', stage: 0 }, '*');
    opener.document.querySelector('iframe[title^="Flow Playground"]').contentWindow.postMessage({ type: 'flow:overlays', volume: true }, '*');
  });
  // A command from the parent, sent after all of them, is carried out: the others were read first.
  await send({ type: 'flow:set-stage', stage: 3.25 });
  await waitEvent(page, 'flow:stage', 'e.stage === 3.25', events0);
  await waitLink(page, 'stage', '3.25');
  const after = await linkOf(page);
  assert.deepEqual({ ...after, stage: before.stage }, before, 'a malformed or foreign message changed the state');
  const extra = (await page.evaluate(() => window.events)).slice(events0).filter((e) => e.type !== 'flow:stage');
  assert.deepEqual(extra, [], 'events other than the stage change');
  await popup.close();
  await shot(page, 'embed-control-api');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('control API faults: pausing stops a lesson\'s comparison, a notice goes with its cause, an oversized message is not copied', async () => {
  const { ctx, page, problems, send } = await drivingArticle();
  const app_ = () => appFrame(page);

  // (a) A lesson trains its main flow and its comparison; flow:pause-training stops both.
  let n = await eventCount(page);
  await send({ type: 'flow:set-lesson', lesson: 'planar-vs-radial' });
  await waitEvent(page, 'flow:lesson', "e.lesson === 'planar-vs-radial'", n);
  const compareSteps = () => app_().$$eval('.compare-canvas[id^="compare-canvas-"]', (cs) => cs.map((c) => Number(c.getAttribute('data-step'))));
  await app_().waitForFunction(() => Number(document.querySelector('#compare-canvas-0')?.getAttribute('data-step')) >= 20, null, { timeout: 30000 });
  // The comparison's step count is observable, and its panels keep up while both train: they
  // take turns with the main view (a panel is repainted every ~200 ms). They used to be painted
  // only on frames where the main view did not redraw; with the worker it redrew on nearly every
  // frame, and the panels went 6 s without a repaint (3 in 10 s; once in CI none in 10 s).
  const repaints = await app_().evaluate(() => new Promise((done) => {
    const t0 = performance.now();
    let last = null;
    const seen = [];
    const tick = () => {
      const s = document.querySelector('#compare-canvas-0').getAttribute('data-step');
      if (s !== last) { seen.push(Number(s)); last = s; }
      if (performance.now() - t0 < 5000) requestAnimationFrame(tick); else done(seen);
    };
    requestAnimationFrame(tick);
  }));
  assert.ok(repaints.length >= 6, `the comparison's first panel was repainted ${repaints.length - 1} times in 5 s while both trained (steps ${repaints})`);
  n = await eventCount(page);
  await send({ type: 'flow:pause-training' });
  await waitEvent(page, 'flow:step', '!e.training', n);
  // Its panels redraw every 250 ms at most while a flow moves: 600 ms for the last redraws, then
  // 1.2 s (and 30 frames) in which nothing may move.
  await framesFor(app_(), 600, 10);
  const paused = await compareSteps();
  assert.ok(paused.length >= 2 && paused.every((s) => s > 0), `comparison steps ${paused}`);
  await framesFor(app_(), 1200, 30);
  assert.deepEqual(await compareSteps(), paused, 'the comparison kept training after flow:pause-training');

  // (b) "Cannot train" on a state with no points, then a state with points: the notice goes.
  n = await eventCount(page);
  await send({ type: 'flow:load', config: 'v=1&mode=draw&K=4' });
  await waitLink(page, 'mode', 'draw');
  await send({ type: 'flow:train' });
  await app_().waitForSelector('.notice.error:has-text("Cannot train")');
  await send({ type: 'flow:load', config: 'v=1&mode=moons&K=4' });
  await waitLink(page, 'mode', 'moons');
  await app_().waitForFunction(() => document.querySelectorAll('.notice').length === 0, null, { timeout: 5000 })
    .catch(async () => assert.fail(`a notice stayed over the embed: ${await app_().textContent('.notice-area')}`));

  // (c) A 64 MB message is refused without being copied into the app's WebAssembly memory (a copy
  // would grow it by 64 MB); a command sent after it is still carried out.
  const memory = () => app_().evaluate(async () => {
    const url = performance.getEntriesByType('resource').map((e) => e.name).find((u) => /\/flow-playground-[^/]*\.js$/.test(u));
    const wasm = await (await import(url)).default(); // already started: returns its exports
    return wasm.memory.buffer.byteLength;
  });
  const before = await memory();
  n = await eventCount(page);
  await page.evaluate(() => {
    window.send(`{"type":"flow:set-stage","stage":1,"pad":"${'x'.repeat(64 << 20)}"}`);
    window.send({ type: 'flow:set-stage', stage: 1, pad: 'y'.repeat(64 << 20) });
  });
  await send({ type: 'flow:set-stage', stage: 2.5 });
  await waitEvent(page, 'flow:stage', 'e.stage === 2.5', n);
  assert.ok(!(await page.evaluate((i) => window.events.slice(i).some((e) => e.type === 'flow:stage' && e.stage === 1), n)));
  const grown = (await memory()) - before;
  assert.ok(grown < 32 << 20, `WebAssembly memory grew by ${(grown / 2 ** 20).toFixed(1)} MB on an oversized message`);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('an embedded app never writes to the browser\'s storage; the full app on the same origin does', async () => {
  const { ctx, page, problems, send } = await drivingArticle();
  const stored = () => appFrame(page).evaluate(() => Object.keys(localStorage));
  assert.deepEqual(await stored(), [], 'storage was not empty to begin with');
  // Everything an article does with it, each change written to the frame's link (the app saves
  // the link and local storage in one go, so once the link shows a change, storage would too).
  let n = await eventCount(page);
  await send({ type: 'flow:train' });
  await waitEvent(page, 'flow:step', 'e.training && e.step >= 20', n);
  await send({ type: 'flow:pause-training' });
  await send({ type: 'flow:set-stage', stage: 1.5 });
  await waitLink(page, 'stage', '1.5');
  await send({ type: 'flow:overlays', particles: true });
  await appFrame(page).waitForFunction(() => /[#&]show=[^&]*particles/.test(location.hash));
  n = await eventCount(page);
  await send({ type: 'flow:set-lesson', lesson: 'fig3-u1' });
  await waitEvent(page, 'flow:lesson', "e.lesson === 'fig3-u1'", n);
  await send({ type: 'flow:pause-training' });
  await send({ type: 'flow:load', config: 'v=1&mode=u2&K=4&stage=1' });
  await waitLink(page, 'mode', 'u2');
  assert.deepEqual(await stored(), [], 'the embed wrote to local storage');
  assert.deepEqual(problems, [], problems.join('\n'));
  // The same app, not embedded, on the same origin (a fresh browser profile): it saves the session.
  const full = await openPage(browser, `${app.url}#v=1&mode=u2&K=4&stage=1`);
  await full.page.click('#train-button');
  await full.page.waitForFunction(() => localStorage.getItem('flow-playground:v1')?.includes('mode=u2'), null, { timeout: 20000 });
  await full.ctx.close();
  await ctx.close();
});

/** Opens docs/embed-example.html at `viewport`, scrolls it from top to bottom a step at a time
 *  (as a reader does) and checks that each paragraph reaching the middle of the screen shows
 *  its stage, in order, with (nearly all of) the figure on screen while it does. */
async function scrollExample(viewport, name, opts = {}) {
  const docs = kit.adopt(await serve(path.join(root, 'docs')));
  const ctx = await browser.newContext({ viewport, ...opts });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(`${docs.url}embed-example.html?app=${encodeURIComponent(app.url)}`);
  const frame = page.frameLocator('iframe');
  // The reader sees the figure while reading: at least 90 % of it is on screen, from the top on.
  const figureShown = async (what) => {
    const fig = await page.$eval('iframe', (f) => { const r = f.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, h: innerHeight }; });
    const shown = (Math.min(fig.bottom, fig.h) - Math.max(fig.top, 0)) / (fig.bottom - fig.top);
    assert.ok(shown >= 0.9, `${what}: the figure is at ${Math.round(fig.top)}…${Math.round(fig.bottom)} of ${fig.h}`);
  };
  await figureShown('at the top of the article');
  // (Only attached: a cross-origin frame off screen is not rendered, so it draws once seen.)
  await frame.locator('#stage-slider').waitFor({ state: 'attached', timeout: 30000 });
  await page.waitForFunction(() => /^stage /.test(document.querySelector('#flow-status').textContent), null, { timeout: 30000 });
  const stages = await page.$$eval('[data-stage]', (ps) => ps.map((p) => Number(p.dataset.stage)));
  assert.ok(stages.length >= 4, `${stages.length} paragraphs drive the flow`);
  assert.ok(new Set(stages).size >= 4, 'the paragraphs show different stages');
  const seen = [];
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const step = Math.round(viewport.height / 3);
  for (let y = 0; y <= height; y += step) {
    // Scroll, then let the IntersectionObserver deliver (it reports at the next rendering steps).
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await frames(page);
    const active = await page.evaluate(() => document.querySelector('[data-stage].active')?.dataset.stage);
    if (active === undefined) continue;
    await appFrame(page).waitForFunction((v) => Number(document.querySelector('#stage-slider').value) === Number(v), active, { timeout: 10000 });
    await figureShown(`stage ${active} at scroll ${y}`);
    if (seen[seen.length - 1] !== Number(active)) {
      seen.push(Number(active));
      if (seen.length === 3) await shot(page, `${name}-reading`);
    }
  }
  assert.deepEqual(seen, stages.filter((s, i) => i === 0 || s !== stages[i - 1]), 'each paragraph, in order');
  await frame.locator('#main-canvas[data-drawn="true"]').waitFor({ timeout: 10000 });
  await shot(page, name);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
}

test('docs/embed-example.html: scrolling the article moves the embedded flow, paragraph by paragraph', async () => {
  await scrollExample({ width: 1100, height: 800 }, 'embed-example-scrolled');
});

test('docs/embed-example.html on a phone (390×844): the figure stays on screen and each paragraph shows its stage', async () => {
  await scrollExample({ width: 390, height: 844 }, 'embed-example-phone', { isMobile: true, hasTouch: true });
});
