// Embedding on another site: the snippet exactly as the app writes it (Share → Embed →
// #share-text), in an article served from ANOTHER origin, with the app's server sending no CORS
// header (as python's http.server, nginx or Apache do by default); then the control API an
// article drives the embed with (postMessage), and docs/embed-example.html scrolled through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, watchConsole, shot, openPage, openTab, root } from './harness.mjs';

let app, browser;
const articles = [];
before(async () => { app = await serve(); browser = await launch(); });
after(async () => {
  await browser?.close();
  await app?.close();
  for (const a of articles) await a.close();
});

/** The embed snippet the app writes for its default state. */
async function snippet() {
  const { ctx, page } = await openPage(browser, app.url);
  await openTab(page, 'share');
  await page.click('#embed-button');
  await page.waitForSelector('#share-text');
  const text = await page.inputValue('#share-text');
  await ctx.close();
  return text;
}

/** Serves `files` ({ name: html }) from a fresh directory on a second port: another origin. */
async function article(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-article-'));
  // (An icon of its own, so the article's origin is not asked for /favicon.ico.)
  for (const [name, html] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), html.replace('<!doctype html>', '<!doctype html><link rel="icon" href="data:,">'));
  const s = await serve(dir);
  articles.push(s);
  return s;
}

// The article's side of the API: every message from the embed is kept with its arrival time.
const ARTICLE_SCRIPT = `<script>
  window.events = [];
  addEventListener('message', (e) => {
    const frame = document.querySelector('iframe[title^="Flow Playground"]');
    if (e.source === frame.contentWindow) events.push({ at: performance.now(), ...e.data });
  });
  window.send = (msg) => document.querySelector('iframe[title^="Flow Playground"]').contentWindow.postMessage(msg, '*');
</script>`;

const frameOf = (page) => page.frameLocator('iframe[title^="Flow Playground"]');
/** Waits for an event of `type` (matching `pred`) after index `from`; returns it. */
const waitEvent = (page, type, pred = 'true', from = 0) => page.waitForFunction(
  ([t, p, i]) => window.events.slice(i).find((e) => e.type === t && new Function('e', `return ${p}`)(e)),
  [type, pred, from], { timeout: 20000 },
).then((h) => h.jsonValue());
const eventCount = (page) => page.evaluate(() => window.events.length);
/** The app's frame inside the article (a Playwright Frame: it runs code in the frame's origin). */
const appFrame = (page) => page.frames().find((f) => f.url().startsWith(app.url));
/** The embed's state as its link (the app writes it to the frame's address a few times a second). */
const linkOf = async (page) => {
  const h = await appFrame(page).evaluate(() => location.hash);
  return Object.fromEntries(h.slice(1).split('&').map((kv) => kv.split('=')));
};
/** Waits until the frame's link has `key=value`. */
const waitLink = (page, key, value) => appFrame(page).waitForFunction(
  ([k, v]) => location.hash.slice(1).split('&').includes(`${k}=${v}`), [key, value], { timeout: 20000 },
);
const sliderOf = (page) => frameOf(page).locator('#stage-slider');
const stageOf = async (page) => Number(await sliderOf(page).inputValue());
/** Two animation frames of the app. */
const appFrames = (page) => appFrame(page).evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

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
  const code = await snippet();
  const site = await article({
    'index.html': `<!doctype html><title>Article</title>${ARTICLE_SCRIPT}
      <p>An article about flows.</p>${code}
      <iframe name="sibling" title="another widget" srcdoc="<p>another widget</p>"></iframe>`,
  });
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(site.url);
  const ready = await waitEvent(page, 'flow:ready');
  await frameOf(page).locator('#main-canvas[data-drawn="true"]').waitFor();
  assert.deepEqual({ ...ready, at: 0 }, { at: 0, type: 'flow:ready', version: 1, stage: await stageOf(page), k: 16, lesson: null });
  const send = (msg) => page.evaluate((m) => window.send(m), msg);

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

test('docs/embed-example.html: scrolling the article moves the embedded flow, paragraph by paragraph', async () => {
  const docs = await serve(path.join(root, 'docs'));
  articles.push(docs);
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(`${docs.url}embed-example.html?app=${encodeURIComponent(app.url)}`);
  const frame = page.frameLocator('iframe');
  await frame.locator('#main-canvas[data-drawn="true"]').waitFor({ timeout: 30000 });
  const stages = await page.$$eval('[data-stage]', (ps) => ps.map((p) => Number(p.dataset.stage)));
  assert.ok(stages.length >= 4, `${stages.length} paragraphs drive the flow`);
  assert.ok(new Set(stages).size >= 4, 'the paragraphs show different stages');
  // Scroll from the top to the bottom, a third of a screen at a time (as a reader does); each
  // paragraph that reaches the middle of the screen shows its stage.
  const seen = [];
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y <= height; y += 260) {
    // Scroll, then let the IntersectionObserver deliver (it reports at the next rendering steps).
    await page.evaluate((top) => new Promise((r) => { window.scrollTo(0, top); requestAnimationFrame(() => requestAnimationFrame(r)); }), y);
    const active = await page.evaluate(() => document.querySelector('[data-stage].active')?.dataset.stage);
    if (active === undefined) continue;
    await appFrame(page).waitForFunction((v) => Number(document.querySelector('#stage-slider').value) === Number(v), active, { timeout: 10000 });
    if (seen[seen.length - 1] !== Number(active)) seen.push(Number(active));
  }
  assert.deepEqual(seen, stages.filter((s, i) => i === 0 || s !== stages[i - 1]), 'each paragraph, in order');
  await shot(page, 'embed-example-scrolled');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
