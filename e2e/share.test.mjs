// Links, reload, embed, export and import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, watchConsole, shot, canvasStats, openPage, openTab, frames } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const waitStep = (page, n) => page.waitForFunction((m) => {
  const t = document.querySelector('#train-stats').textContent.match(/step (\d+)/);
  return t && Number(t[1]) >= m;
}, n, { timeout: 30000 });

const open = (url, opts) => openPage(browser, url, opts);

test('a link reproduces the picture and the parameters in a fresh browser; reload restores', async () => {
  const a = await open(server.url);
  await a.page.click('#train-button');
  await waitStep(a.page, 300);
  await a.page.click('#train-button');
  await openTab(a.page, 'share');
  await a.page.click('#copy-link');
  await a.page.waitForSelector('#share-text');
  const link = await a.page.inputValue('#share-text');
  assert.ok(link.startsWith(server.url) && link.includes('#v=1'), link.slice(0, 80));
  await frames(a.page);
  const before = await canvasStats(a.page, '#main-canvas');
  const [dl] = await Promise.all([a.page.waitForEvent('download'), a.page.click('button:has-text("Model JSON")')]);
  const modelA = fs.readFileSync(await dl.path(), 'utf8');

  // A fresh context (no local storage) opening the link.
  const b = await open(link);
  await frames(b.page);
  const after = await canvasStats(b.page, '#main-canvas');
  assert.deepEqual(after, before, 'the link does not reproduce the picture');
  await openTab(b.page, 'share');
  const [dl2] = await Promise.all([b.page.waitForEvent('download'), b.page.click('button:has-text("Model JSON")')]);
  assert.equal(fs.readFileSync(await dl2.path(), 'utf8'), modelA, 'parameters differ');
  await shot(b.page, 'share-link-opened');
  assert.deepEqual(b.problems, [], b.problems.join('\n'));
  await b.ctx.close();

  // Reload in the first browser: the saved session comes back (URL fragment and storage).
  await a.page.goto(server.url); // no fragment: local storage restores
  await a.page.waitForSelector('#main-canvas[data-drawn="true"]');
  await frames(a.page);
  assert.deepEqual(await canvasStats(a.page, '#main-canvas'), before, 'reload lost the session');
  assert.match(await a.page.textContent('.notice-area'), /Restored your last session/);
  assert.deepEqual(a.problems, [], a.problems.join('\n'));
  await a.ctx.close();
});

test('a garbage fragment loads the defaults with a notice, never a panic', async () => {
  const { ctx, page, problems } = await open(`${server.url}#v=1&K=9999&lr=abc&pts=%%%%&mode=nonsense&params=@@@`);
  await page.waitForSelector('.notice.warn');
  const text = await page.textContent('.notice.warn');
  assert.match(text, /ignored/);
  assert.match(text, /lr/);
  const s = await canvasStats(page, '#main-canvas');
  assert.ok(s.std > 10);
  assert.ok(!/NaN/.test(await page.textContent('body')));
  await shot(page, 'share-garbage-fragment');
  assert.deepEqual(problems.filter((p) => !p.includes('favicon')), [], problems.join('\n'));
  await ctx.close();
});

test('embed mode works in a sandboxed iframe at 320 px (the snippet\'s sandbox; e2e/embed.test.mjs: on another origin)', async () => {
  const a = await open(server.url);
  await openTab(a.page, 'share');
  await a.page.click('#embed-button');
  await a.page.waitForSelector('#share-text');
  const snippet = await a.page.inputValue('#share-text');
  assert.match(snippet, /^<iframe src="[^"]+embed=1[^"]*"[^>]*sandbox="allow-scripts/);
  await a.ctx.close();
  const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  const sandbox = snippet.match(/sandbox="([^"]+)"/)[1];
  const ctx = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.setContent(`<!doctype html><body style="margin:0"><p>A blog post.</p>
    <iframe id="demo" src="${src}" width="320" height="620" style="border:0" sandbox="${sandbox}"></iframe>
    <div style="height:2000px"></div></body>`);
  const frame = page.frameLocator('#demo');
  await frame.locator('#main-canvas[data-drawn="true"]').waitFor({ timeout: 20000 });
  // Only the canvas and the timeline: no panels, no header, no training bar.
  assert.equal(await frame.locator('.tabs').isVisible(), false);
  assert.equal(await frame.locator('header').isVisible(), false);
  assert.equal(await frame.locator('#train-button').isVisible(), false);
  assert.ok(await frame.locator('#stage-slider').isVisible());
  // The embed fits its frame, and scrolling over it scrolls the page (the demo never captures the wheel).
  assert.ok(await frame.locator('html').evaluate((el) => el.scrollHeight <= innerHeight + 1), 'embed content overflows a 320×620 frame');
  await page.mouse.move(160, 300);
  await page.mouse.wheel(0, 400);
  await page.waitForFunction(() => window.scrollY > 0);
  await shot(page, 'share-embed-320');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('PNG export is a valid image of the expected size; malformed CSV reports line numbers', async () => {
  const { ctx, page, problems } = await open(server.url);
  await openTab(page, 'share');
  const box = await page.locator('#overlay-canvas').boundingBox();
  for (const [id, scale] of [['#png-button', 1], ['#png2-button', 2]]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
    const buf = fs.readFileSync(await dl.path());
    assert.equal(buf.subarray(1, 4).toString(), 'PNG');
    const w = buf.readUInt32BE(16), h = buf.readUInt32BE(20);
    assert.equal(w, Math.round(Math.round(box.width) * scale));
    assert.equal(h, w + Math.round(48 * scale));
  }
  const count = async () => Number((await page.textContent('#points-info')).match(/^(\d+)/)[1]);
  const waitCount = (n) => page.waitForFunction((m) => document.querySelector('#points-info').textContent.startsWith(`${m} points`), n);
  assert.equal(await count(), 1000, 'the moons preset');
  await page.setInputFiles('#import-points', {
    name: 'bad.csv', mimeType: 'text/csv',
    buffer: Buffer.from('x,y\n0.1,0.2\nhello,world\n0.3,0.4\n1,2,3,oops\n\n0.5,NaN\n'),
  });
  await page.waitForSelector('.notice.warn');
  const note = await page.textContent('.notice.warn');
  // The row with extra columns keeps its first two (x, y); the others are reported.
  assert.match(note, /Imported 3 points/);
  assert.match(note, /line 3/);
  assert.match(note, /line 7/);
  // Over a preset cloud, the file's points replace it: exactly the file's points are trained on.
  await waitCount(3);
  assert.equal(await page.inputValue('#target-select'), 'drawn');
  // Over drawn points, a file joins them (nothing drawn is lost) …
  await page.setInputFiles('#import-points', { name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('1,1\n-1,-1\n') });
  await waitCount(5);
  // … and a file that is not data at all is rejected and changes nothing.
  await page.setInputFiles('#import-points', { name: 'x.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]) });
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /Import failed/);
  assert.equal(await count(), 5);
  // Undo brings back what each import replaced: 3 points, then the 1,000 moons.
  await page.click('#undo-button');
  await waitCount(3);
  await page.click('#undo-button');
  await waitCount(1000);
  assert.equal(await page.inputValue('#target-select'), 'preset:0');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

/** Decodes a GIF with the browser's own decoder (WebCodecs ImageDecoder): frame count, size,
 *  and the RGBA of the centre of the picture (not the legend strip) in the first and last frame. */
const decodeGif = (page, bytes) => page.evaluate(async (b64) => {
  const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const d = new ImageDecoder({ data, type: 'image/gif' });
  await d.tracks.ready;
  await d.completed;
  const frames = d.tracks.selectedTrack.frameCount;
  const px = async (i) => {
    const { image } = await d.decode({ frameIndex: i });
    const c = new OffscreenCanvas(image.displayWidth, image.displayHeight);
    const g = c.getContext('2d');
    g.drawImage(image, 0, 0);
    const side = image.displayWidth;
    return { w: image.displayWidth, h: image.displayHeight, centre: [...g.getImageData(side / 2, side / 2, 1, 1).data] };
  };
  return { frames, first: await px(0), last: await px(frames - 1) };
}, bytes.toString('base64'));

test('GIF export: the layer animation and a training run are valid animated GIFs', async () => {
  const { ctx, page, problems } = await open(server.url);
  await openTab(page, 'share');
  const k = Number(await page.getAttribute('#stage-slider', 'max'));
  assert.ok(k > 0, 'layer count');
  const shownBefore = await page.textContent('.stage-readout');
  const t0 = Date.now();
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('#gif-layers')]);
  const made = (Date.now() - t0) / 1000;
  const bytes = fs.readFileSync(await dl.path());
  assert.equal(bytes.subarray(0, 6).toString('latin1'), 'GIF89a');
  assert.equal(bytes.readUInt16LE(6), 360);
  assert.equal(bytes.readUInt16LE(8), 408);
  const info = await decodeGif(page, bytes);
  const per = Math.min(16, Math.max(1, Math.floor(64 / k)));
  assert.equal(info.frames, per * k + 1);
  assert.equal(info.first.w, 360);
  assert.equal(info.first.h, 408);
  // Stage 0 is the standard Gaussian: its peak at the centre is the top of viridis (yellow).
  const [r, g, b] = info.first.centre;
  assert.ok(r > 180 && g > 180 && b < 110, `centre of stage 0: ${info.first.centre}`);
  await page.waitForSelector('.notice:has-text("Saved flow-layers")');
  console.log(`layers GIF: K=${k}, ${info.frames} frames, ${bytes.length} bytes, ${made.toFixed(2)} s from click to file`);
  // The stage shown before is restored.
  assert.equal(await page.textContent('.stage-readout'), shownBefore);

  // A training run: starts training, records ~8 s, pauses it again.
  const [dl2] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('#gif-training')]);
  const bytes2 = fs.readFileSync(await dl2.path());
  const info2 = await decodeGif(page, bytes2);
  assert.ok(info2.frames >= 20, `${info2.frames} frames`);
  assert.notDeepEqual(info2.first.centre, info2.last.centre);
  await page.waitForFunction(() => !/steps\/s/.test(document.querySelector('#train-stats').textContent));
  console.log(`training GIF: ${info2.frames} frames, ${bytes2.length} bytes`);
  await shot(page, 'share-gif-done');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
