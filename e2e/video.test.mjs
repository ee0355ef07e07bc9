// Video export: the K = 16 layer animation as WebM (plays in Chromium; frames and duration as
// chosen; the page keeps drawing while it records) and as PNG frames in a ZIP (frame count, size,
// stage 0 equal to the PNG export at stage 0); a training run; cancelling; a browser without
// MediaRecorder offered the ZIP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, shot, openPage, openTab, settled, drawnAt } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The video frames of a WebM file, read from its EBML structure (Segment → Cluster →
 *  SimpleBlock / BlockGroup): each frame's time in ms (Chromium writes a 1 ms timecode scale;
 *  Segment and Cluster may have unknown sizes, so masters are entered, not skipped). */
function webmFrames(buf) {
  let p = 0;
  const vint = (keepMarker) => {
    const b = buf[p];
    let len = 1;
    while (len <= 8 && !(b & (0x80 >> (len - 1)))) len += 1;
    let v = keepMarker ? b : b & (0xff >> len);
    let allOnes = (b & (0xff >> len)) === (0xff >> len);
    for (let i = 1; i < len; i += 1) { v = v * 256 + buf[p + i]; if (buf[p + i] !== 0xff) allOnes = false; }
    p += len;
    return { v, unknown: allOnes };
  };
  const masters = new Set([0x18538067, 0x1f43b675, 0xa0, 0x1549a966]);
  let scale = 1e6, cluster = 0;
  const times = [];
  while (p < buf.length) {
    const id = vint(true).v;
    const size = vint(false);
    const start = p;
    if (masters.has(id)) continue; // enter
    const end = size.unknown ? buf.length : start + size.v;
    if (id === 0x2ad7b1) { let v = 0; for (let i = start; i < end; i += 1) v = v * 256 + buf[i]; scale = v; }
    if (id === 0xe7) { let v = 0; for (let i = start; i < end; i += 1) v = v * 256 + buf[i]; cluster = v; }
    if (id === 0xa3 || id === 0xa1) {
      p = start; vint(false); // track number
      const rel = buf.readInt16BE(p);
      times.push(((cluster + rel) * scale) / 1e6);
    }
    p = end;
  }
  return times;
}

/** The stored entries of a ZIP (read from its central directory). */
function unzipStored(buf) {
  let e = buf.length - 22;
  while (buf.readUInt32LE(e) !== 0x06054b50) e -= 1;
  const n = buf.readUInt16LE(e + 10);
  let c = buf.readUInt32LE(e + 16);
  const out = [];
  for (let i = 0; i < n; i += 1) {
    assert.equal(buf.readUInt32LE(c), 0x02014b50);
    assert.equal(buf.readUInt16LE(c + 10), 0, 'stored');
    const size = buf.readUInt32LE(c + 24), nameLen = buf.readUInt16LE(c + 28), extra = buf.readUInt16LE(c + 30), comment = buf.readUInt16LE(c + 32);
    const off = buf.readUInt32LE(c + 42);
    const name = buf.subarray(c + 46, c + 46 + nameLen).toString('latin1');
    const lNameLen = buf.readUInt16LE(off + 26), lExtra = buf.readUInt16LE(off + 28);
    const data = buf.subarray(off + 30 + lNameLen + lExtra, off + 30 + lNameLen + lExtra + size);
    out.push({ name, data });
    c += 46 + nameLen + extra + comment;
  }
  return out;
}

/** Starts recording every animation frame's time in the page. */
const watchFrames = (page) => page.evaluate(() => {
  window.__rafTimes = [];
  const tick = (t) => { window.__rafTimes.push(t); if (!window.__rafStop) requestAnimationFrame(tick); };
  window.__rafStop = false;
  requestAnimationFrame(tick);
});
/** Stops, and returns the gaps between frames (ms): p95 and max. */
const frameGaps = async (page) => page.evaluate(() => {
  window.__rafStop = true;
  const t = window.__rafTimes;
  const gaps = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  return { n: gaps.length, p95: gaps[Math.min(gaps.length - 1, Math.ceil(0.95 * gaps.length) - 1)], max: gaps[gaps.length - 1] };
});

/** Loads a video file in a <video>: its real duration (seeking to the end when MediaRecorder left it
 *  Infinity) and the frames presented while it plays through (requestVideoFrameCallback). */
const playInPage = (page, bytes, type) => page.evaluate(async ([b64, type]) => {
  const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const v = document.createElement('video');
  v.muted = true;
  v.src = URL.createObjectURL(new Blob([data], { type }));
  document.body.append(v);
  await new Promise((r, j) => { v.onloadedmetadata = r; v.onerror = () => j(new Error(`the video does not load: ${v.error?.code} ${v.error?.message} (canPlayType vp9: ${v.canPlayType('video/webm; codecs="vp9"')}, vp8: ${v.canPlayType('video/webm; codecs="vp8"')})`)); });
  const size = [v.videoWidth, v.videoHeight];
  if (!Number.isFinite(v.duration)) {
    v.currentTime = 1e9;
    await new Promise((r) => { const f = () => { if (Number.isFinite(v.duration)) r(); else v.addEventListener('durationchange', f, { once: true }); }; f(); });
  }
  const duration = v.duration;
  v.currentTime = 0;
  await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
  const seen = new Set();
  const count = () => v.requestVideoFrameCallback((_, m) => { seen.add(m.mediaTime.toFixed(4)); count(); });
  count();
  await v.play();
  await new Promise((r) => v.addEventListener('ended', r, { once: true }));
  v.remove();
  return { duration, size, presented: seen.size };
}, [bytes.toString('base64'), type]);

test('the K = 16 layer animation as WebM: plays, frames and duration as chosen, the page keeps drawing', async () => {
  const { ctx, page, problems } = await openPage(browser, server.url);
  await openTab(page, 'share');
  const k = Number(await page.getAttribute('#stage-slider', 'max'));
  assert.equal(k, 16);
  const formats = await page.$$eval('#video-format option', (o) => o.filter((x) => !x.disabled).map((x) => x.value));
  assert.equal(formats[0], 'webm', `formats offered: ${formats}`);
  await page.selectOption('#video-fps', '15');
  const side = await page.$eval('#overlay-canvas', (c) => c.width);
  const n = 4 * 16 + 1; // the GIF's frames: 4 per layer, stage 0 to 16
  const shownBefore = await page.textContent('.stage-readout');
  await watchFrames(page);
  const t0 = Date.now();
  await page.focus('#video-layers');
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.keyboard.press('Enter')]);
  const made = (Date.now() - t0) / 1000;
  const gaps = await frameGaps(page);
  const bytes = fs.readFileSync(await dl.path());
  assert.equal(dl.suggestedFilename(), 'flow-layers-k16.webm');
  assert.equal(bytes.readUInt32BE(0), 0x1a45dfa3, 'EBML header');
  const times = webmFrames(bytes);
  // n pictures, then the last one again at n / fps so it is shown for its whole frame time (on a
  // loaded machine Chromium's recorder may drop that closing repeat: then the file ends at (n-1)/fps).
  assert.ok(times.length === n + 1 || times.length === n, `frames in the file: ${times.length}, chosen ${n}`);
  const period = 1000 / 15;
  // Each frame at its time on the chosen rate's clock (within a page frame gap, 50 ms).
  const worst = Math.max(...times.slice(0, Math.min(n, times.length)).map((t, i) => Math.abs(t - times[0] - i * period)));
  const length = (times[times.length - 1] - times[0]) / 1000;
  assert.ok(Math.abs(length - n / 15) < 0.1, `video length ${length} s, chosen ${n / 15} s`);
  assert.ok(worst <= 50, `a frame ${worst} ms off its time`);
  // A blank page plays it (the app's Content-Security-Policy allows no blob: media).
  const player = await ctx.newPage();
  const played = await playInPage(player, bytes, 'video/webm');
  await player.close();
  assert.deepEqual(played.size, [side, side + 48]);
  assert.ok(Math.abs(played.duration - n / 15) < 0.1, `duration ${played.duration}`);
  assert.ok(played.presented >= n - 3, `${played.presented} frames presented of ${n}`);
  assert.ok(times.length >= n, 'every chosen picture is in the file');
  assert.ok(gaps.max <= 50, `a frame gap of ${gaps.max} ms while recording`);
  await page.waitForSelector('.notice:has-text("Saved flow-layers-k16.webm")');
  assert.equal(await page.textContent('.stage-readout'), shownBefore, 'the stage shown before is restored');
  const gif = 2_190_000; // README: the K = 16 GIF, 2.09 MB
  console.log(`WebM K=16: ${times.length} frames in the file (${n} chosen) at 15 fps, ${side}x${side + 48}, ${bytes.length} bytes (GIF ~${gif}), ` +
    `file ${length.toFixed(3)} s, <video> duration ${played.duration.toFixed(3)} s, ${played.presented} frames presented, ` +
    `frames within ${worst.toFixed(1)} ms of their times, ${made.toFixed(2)} s click to file; page frames while recording: ` +
    `${gaps.n}, gap p95 ${gaps.p95.toFixed(1)} ms, max ${gaps.max.toFixed(1)} ms`);
  await shot(page, 'video-webm-done');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('PNG frames in a ZIP: 65 frames at the canvas size, stage 0 equal to the PNG export at stage 0', async () => {
  const { ctx, page, problems } = await openPage(browser, server.url);
  await openTab(page, 'share');
  await page.$eval('#stage-slider', (el) => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await drawnAt(page, 0);
  await settled(page);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#png-button')]);
  const pngBytes = fs.readFileSync(await png.path());
  await page.selectOption('#video-format', 'zip');
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('#video-layers')]);
  assert.equal(dl.suggestedFilename(), 'flow-layers-k16-frames.zip');
  const entries = unzipStored(fs.readFileSync(await dl.path()));
  assert.equal(entries.length, 65);
  assert.deepEqual(entries.map((e) => e.name).slice(0, 2), ['frame-00000.png', 'frame-00001.png']);
  const side = await page.$eval('#overlay-canvas', (c) => c.width);
  for (const e of entries) {
    assert.equal(e.data.subarray(1, 4).toString(), 'PNG');
    assert.equal(e.data.readUInt32BE(16), side);
    assert.equal(e.data.readUInt32BE(20), side + 48);
  }
  const diff = await page.evaluate(async ([a, b]) => {
    const px = async (b64) => {
      const bm = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      const c = new OffscreenCanvas(bm.width, bm.height);
      const g = c.getContext('2d');
      g.drawImage(bm, 0, 0);
      return g.getImageData(0, 0, bm.width, bm.height).data;
    };
    const [x, y] = [await px(a), await px(b)];
    let differ = 0;
    for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) differ += 1;
    return { len: [x.length, y.length], differ };
  }, [entries[0].data.toString('base64'), pngBytes.toString('base64')]);
  assert.equal(diff.len[0], diff.len[1]);
  assert.equal(diff.differ, 0, `${diff.differ} bytes differ between the ZIP's stage 0 and the PNG export`);
  await page.waitForSelector('.notice:has-text("Saved flow-layers-k16-frames.zip")');
  const total = entries.reduce((s, e) => s + e.data.length, 0);
  console.log(`ZIP K=16: ${entries.length} PNG frames of ${side}x${side + 48}, ${total} bytes of PNG`);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('a training run as video by seconds; cancelling leaves no file; a bad length says why', async () => {
  const { ctx, page, problems } = await openPage(browser, server.url);
  await openTab(page, 'share');
  await page.fill('#video-amount', 'two');
  await page.click('#video-training');
  await page.waitForSelector('.notice:has-text("not a length in seconds")');
  assert.equal(await page.isVisible('#video-progress'), false, 'nothing recorded');
  // Cancel: the bar goes, no file, training paused again.
  await page.fill('#video-amount', '30');
  await page.click('#video-training');
  await page.waitForSelector('#video-progress', { state: 'visible' });
  assert.equal(await page.getAttribute('#video-status', 'aria-live'), 'polite');
  await page.click('#video-cancel');
  await page.waitForSelector('#video-progress', { state: 'hidden' });
  await page.waitForFunction(() => !/steps\/s/.test(document.querySelector('#train-stats').textContent));
  // 2 s at 10 fps.
  await page.selectOption('#video-fps', '10');
  await page.fill('#video-amount', '2');
  const downloads = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('#video-training')]);
  const bytes = fs.readFileSync(await dl.path());
  const times = webmFrames(bytes);
  const span = (times[times.length - 1] - times[0]) / 1000;
  console.log(`training WebM frame times (ms): ${times.map((t) => t.toFixed(0)).join(' ')}`);
  assert.ok(Math.abs(times.length - 21) <= 1, `${times.length} frames`);
  assert.ok(Math.abs(span - 2) < 0.25, `${span} s`);
  await page.waitForFunction(() => !/steps\/s/.test(document.querySelector('#train-stats').textContent));
  assert.deepEqual(downloads, ['flow-training.webm'], 'the cancelled recording made no file');
  console.log(`training WebM: ${times.length} frames, ${bytes.length} bytes`);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('without MediaRecorder the page says so and offers the PNG frames', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(() => { delete window.MediaRecorder; });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await openTab(page, 'share');
  assert.deepEqual(await page.$$eval('#video-format option', (o) => o.filter((x) => !x.disabled).map((x) => x.value)), ['zip']);
  assert.equal(await page.inputValue('#video-format'), 'zip');
  assert.match(await page.textContent('#video-note'), /cannot record video/);
  await ctx.close();
});
