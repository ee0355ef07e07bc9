// Publishing: the built site works from any sub-path of a plain static host, scripts/serve.sh's
// server (tools/site-server) serves it with no console error or warning, and the page paints a
// placeholder before the WebAssembly arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { serve, launch, watchConsole, shot, dist, root } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Opens `url` in a fresh context; resolves when the first density picture is drawn. */
async function load(url) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  const responses = [];
  page.on('response', (r) => responses.push({ url: r.url(), status: r.status(), headers: r.headers() }));
  await page.goto(url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  return { ctx, page, problems, responses };
}

test('the build works from a sub-path: no failed request, no console error', async () => {
  const base = '/some/sub/path/';
  const server = await serve(dist, { base });
  assert.ok(server.url.endsWith(base));
  const { ctx, page, problems, responses } = await load(server.url);
  // Every file came from under the sub-path, and every request succeeded.
  assert.ok(server.requests.length >= 4, JSON.stringify(server.requests));
  for (const r of server.requests) {
    assert.ok(r.path.startsWith(base), `${r.path} is outside ${base}`);
    assert.equal(r.status, 200, `${r.path}: ${r.status}`);
  }
  assert.ok(responses.every((r) => r.status < 400), JSON.stringify(responses.map((r) => [r.url, r.status])));
  // The share link keeps the sub-path.
  await page.click('#tab-share');
  await page.click('#copy-link');
  await page.waitForSelector('#share-text');
  assert.ok((await page.inputValue('#share-text')).startsWith(`${server.url}#v=1&`));
  await shot(page, 'publish-sub-path');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
  await server.close();
});

test('served the way scripts/serve.sh serves it: no console error or warning, wasm as application/wasm, no CORS', async () => {
  // scripts/serve.sh runs `cargo run -q -p site-server -- DIR --port PORT` on its own build
  // directory; here the same server serves the tested build (port 0: any free port).
  const proc = spawn('cargo', ['run', '-q', '-p', 'site-server', '--', dist, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m) resolve(m[1]);
      });
      proc.on('exit', (code) => reject(new Error(`site-server exited (${code}): ${out}`)));
    });
    const { ctx, page, problems, responses } = await load(url);
    const wasm = responses.find((r) => r.url.endsWith('_bg.wasm'));
    assert.equal(wasm?.headers['content-type'], 'application/wasm');
    assert.ok(responses.every((r) => !('access-control-allow-origin' in r.headers)));
    assert.ok(responses.every((r) => r.status < 400), JSON.stringify(responses.map((r) => [r.url, r.status])));
    // Nothing injected: the page's only scripts are the two the build wrote (boot.js explains a
    // failed start in the placeholder; loader.js starts the app).
    const scripts = await page.$$eval('script', (ss) => ss.map((s) => s.getAttribute('src')));
    assert.deepEqual(scripts, ['./boot.js', './loader.js']);
    // A reload (the browser's cache in play) is as clean; a missing file is a plain 404. (Once
    // the network is idle: a reload aborts a favicon request still in flight.)
    await page.waitForLoadState('networkidle');
    await page.reload();
    await page.waitForSelector('#main-canvas[data-drawn="true"]');
    assert.equal((await fetch(`${url}no/such/file`)).status, 404);
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  } finally {
    proc.kill();
  }
});

test('a placeholder paints before the WebAssembly arrives, and gives way to the app', async () => {
  const server = await serve();
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  // Hold the WebAssembly back until the placeholder has been checked.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/*_bg.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(server.url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#boot .boot-canvas');
  assert.equal(await page.textContent('.boot-title'), 'Flow Playground');
  assert.match(await page.textContent('#boot'), /loading…/);
  const box = await page.locator('.boot-canvas').boundingBox();
  assert.ok(box.width > 300 && Math.abs(box.width - box.height) < 1, JSON.stringify(box));
  const [r, g, b] = (await page.$eval('.boot-canvas', (el) => getComputedStyle(el).backgroundColor)).match(/\d+/g).map(Number);
  assert.ok(Math.max(r, g, b) - Math.min(r, g, b) <= 20 && (r + g + b) / 3 > 120 && (r + g + b) / 3 < 235, `grey frame: ${[r, g, b]}`);
  assert.equal(await page.locator('main.app').count(), 0, 'the app mounted before its WebAssembly arrived');
  await shot(page, 'publish-placeholder');
  release();
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  assert.equal(await page.locator('#boot').count(), 0, 'the placeholder stays after the app mounted');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
  await server.close();
});
