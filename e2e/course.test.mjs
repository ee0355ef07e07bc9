// Course platforms (Canvas, Moodle, Brightspace) frame third-party pages with
// sandbox="allow-scripts" alone: an opaque origin, from which the app's own page cannot load its
// module script and WebAssembly on a host that sends no CORS header (embed.test.mjs shows that).
// The Share panel's course snippet points at the single-file embed (dist/embed.html: script and
// WebAssembly inlined), which draws and trains there — in a classic blob worker, or on the page
// where the worker cannot start — with no console error; so does the "Single HTML file" download
// with the state baked in, uploaded to the platform (here: the other origin) and framed the same
// way; and where the app cannot start, the frame says why and links to the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, watchConsole, openPage, openTab, shot, canvasStats, dist } from './harness.mjs';

let app, browser;
const sites = [];
before(async () => {
  app = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await app?.close();
  for (const s of sites) await s.close();
});

// The state the lecturer shares: 8 planar layers on the 8 Gaussians, at stage 5.
const STATE = '#v=1&mode=8gaussians&K=8&stage=5';

/** A course page on another origin (a second port of the same plain static server): `files`
 *  ({ name: text }) in a fresh directory; the page keeps every message of the embed. */
async function coursePage(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-course-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const s = await serve(dir);
  sites.push(s);
  return s;
}
const COURSE = (iframe) => `<!doctype html><html lang="en"><link rel="icon" href="data:,"><title>Week 3: flows</title>
<script>
  window.events = [];
  addEventListener('message', (e) => { if (e.source === document.querySelector('iframe').contentWindow) events.push(e.data); });
  window.send = (m) => document.querySelector('iframe').contentWindow.postMessage(m, '*');
</script>
<h1>Week 3</h1>
${iframe}`;

/** The Share panel's output of the button `id` for the app at STATE. */
async function share(id) {
  const { ctx, page } = await openPage(browser, app.url + STATE);
  await openTab(page, 'share');
  return { ctx, page, click: () => page.click(id) };
}

async function courseSnippet() {
  const { ctx, page, click } = await share('#course-button');
  await click();
  await page.waitForSelector('#share-text');
  const code = await page.inputValue('#share-text');
  await ctx.close();
  return code;
}

const embedFrame = (page) => page.frames().find((f) => f.url().includes('embed.html') || f.url().includes('lecture.html'));

/** Opens `url`, waits until the framed app has drawn; returns what the test reads. */
async function openCourse(url) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 950 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  const fromApp = [];
  page.on('response', (r) => { if (r.url().startsWith(app.url)) fromApp.push({ url: r.url(), headers: r.headers() }); });
  await page.goto(url);
  const frame = page.frameLocator('iframe');
  await frame.locator('#main-canvas[data-drawn="true"]').waitFor({ timeout: 30000 });
  return { ctx, page, frame, problems, fromApp };
}

/** Trains through the control API until the embed reports more than `steps` steps. */
async function trains(page, steps = 200) {
  await page.evaluate(() => window.send({ type: 'flow:train' }));
  const firstStep = await page.waitForFunction(() => window.events.find((e) => e.type === 'flow:step' && e.step > 0 && e.training), null, { timeout: 30000 });
  const first = (await firstStep.jsonValue()).step;
  await page.waitForFunction((n) => window.events.some((e) => e.type === 'flow:step' && e.step > n), Math.max(first, steps), { timeout: 60000 });
  await page.evaluate(() => window.send({ type: 'flow:pause-training' }));
  return first;
}

test('the course snippet draws and trains in sandbox="allow-scripts" on another origin with no CORS header', async () => {
  const code = await courseSnippet();
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\.html#v=1&amp;[^"]*embed=1[^"]*" [^>]*sandbox="allow-scripts"[^>]*><\/iframe>$/);
  const site = await coursePage({
    'index.html': COURSE(code),
    'noworker.html': COURSE(code.replace('/embed.html#', '/embed.html?noworker#')),
  });
  assert.notEqual(new URL(site.url).origin, new URL(app.url).origin);
  for (const [name, worker] of [['index.html', true], ['noworker.html', false]]) {
    const { ctx, page, frame, problems, fromApp } = await openCourse(site.url + name);
    // One request to the app's host: embed.html itself, answered with no CORS header.
    assert.deepEqual(fromApp.map((r) => new URL(r.url).pathname), ['/embed.html']);
    assert.ok(!('access-control-allow-origin' in fromApp[0].headers));
    // An opaque origin, the embed's look (no header), the shared state (K = 8 at stage 5).
    const f = embedFrame(page);
    assert.equal(await f.evaluate(() => self.origin), 'null');
    assert.equal(await frame.locator('header').isVisible(), false);
    assert.equal(await frame.locator('#stage-slider').getAttribute('max'), '8');
    assert.equal(Number(await frame.locator('#stage-slider').inputValue()), 5);
    const px = await canvasStats(f, '#main-canvas');
    assert.ok(px.std > 5, `the canvas is blank (std ${px.std})`);
    // Training runs: in the blob worker, or (?noworker) on the page.
    await trains(page);
    const workers = page.workers().map((w) => w.url());
    if (worker) assert.ok(workers.length === 1 && workers[0].startsWith('blob:'), `workers: ${workers}`);
    else assert.deepEqual(workers, []);
    await shot(page, `course-${worker ? 'worker' : 'noworker'}`);
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  }
});

test('the single HTML file, downloaded and uploaded to the course platform, draws its baked-in state', async () => {
  const { ctx, page, click } = await share('#single-file-button');
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  assert.equal(download.suggestedFilename(), 'flow-playground-embed.html');
  const file = fs.readFileSync(await download.path(), 'utf8');
  await ctx.close();
  assert.match(file, /<meta name="flow-playground-state" content="v=1&amp;[^"]*K=8[^"]*">/);
  assert.match(file, new RegExp(`<meta name="flow-playground-app" content="${app.url.replace(/[/.]/g, '\\$&')}">`));
  // Uploaded to the platform's file area (the other origin) and framed there, with no fragment.
  const site = await coursePage({
    'lecture.html': file,
    'index.html': COURSE('<iframe src="lecture.html" title="Flow Playground" width="640" height="820" sandbox="allow-scripts"></iframe>'),
  });
  const { ctx: c2, page: p2, frame, problems } = await openCourse(site.url);
  assert.equal(await frame.locator('#stage-slider').getAttribute('max'), '8');
  const px = await canvasStats(embedFrame(p2), '#main-canvas');
  assert.ok(px.std > 5, `the canvas is blank (std ${px.std})`);
  // Its "open" link goes to the app, not to the uploaded file.
  const open = await frame.locator('.embed-credit a').getAttribute('href');
  assert.ok(open.startsWith(`${app.url}#v=1&`), open);
  await trains(p2, 50);
  await shot(p2, 'course-single-file');
  assert.deepEqual(problems, [], problems.join('\n'));
  await c2.close();
});

test('where the app cannot start, the frame says why within seconds and links to the app', async () => {
  // A page whose WebAssembly is damaged (as a broken upload would be).
  const html = fs.readFileSync(path.join(dist, 'embed.html'), 'utf8')
    .replace(/(<script type="application\/octet-stream" id="flow-wasm">)AGFzbQ/, '$1AAAAAA');
  const site = await coursePage({
    'embed.html': html,
    'index.html': COURSE(`<iframe src="embed.html${STATE}" title="Flow Playground" width="640" height="820" sandbox="allow-scripts"></iframe>`),
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(site.url);
  const frame = page.frameLocator('iframe');
  await frame.locator('#boot[data-failed="true"]').waitFor({ timeout: 5000 });
  const note = await frame.locator('.boot-note').textContent();
  assert.match(note, /could not start here \(.+\)/);
  const href = await frame.locator('.boot-note a').getAttribute('href');
  assert.equal(href, `${site.url}#v=1&mode=8gaussians&K=8&stage=5`);
  await shot(page, 'course-failed');
  await ctx.close();
});

test('the single-file embed\'s size (reported)', () => {
  const raw = fs.readFileSync(path.join(dist, 'embed.html'));
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  console.log(`embed.html: ${(raw.length / 1000).toFixed(1)} kB raw, ${(gz / 1000).toFixed(1)} kB gzipped`);
  assert.ok(gz < 800_000, 'embed.html is far larger than the app it holds');
});

test('the article snippet in a course platform\'s sandbox says why it cannot load, and where to go', async () => {
  // The app's own page framed with allow-scripts alone: its module script is refused (opaque
  // origin, no CORS header). Its placeholder says so at once instead of "loading…" forever.
  const site = await coursePage({
    'index.html': COURSE(`<iframe src="${app.url}${STATE}&amp;embed=1" title="Flow Playground" width="640" height="820" sandbox="allow-scripts"></iframe>`),
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(site.url);
  const frame = page.frameLocator('iframe');
  await frame.locator('#boot[data-failed="true"]').waitFor({ timeout: 5000 });
  assert.match(await frame.locator('.boot-note').textContent(), /sandboxed without allow-same-origin.*embed\.html/);
  assert.equal(await frame.locator('.boot-note a').getAttribute('target'), '_blank');
  assert.ok((await frame.locator('.boot-note a').getAttribute('href')).startsWith(`${app.url}#v=1&mode=8gaussians`));
  await shot(page, 'course-article-snippet-refused');
  await ctx.close();
});
