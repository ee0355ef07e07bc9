// Runs the in-browser benchmark: serves dist/ (or $E2E_DIST) on 127.0.0.1, opens `#bench` (or
// `#bench&quick` with --quick, `#bench&spline` — the train_spline scenario alone — with --spline)
// in headless Debian Chromium, waits for <pre id="bench-results" data-done="true"> and prints
// its JSON lines to stdout; then the comparison scenario (e2e/bench-compare.mjs) with and without
// the worker, at full speed and with the CPU throttled 4×, and the heavy states (e2e/bench-heavy.mjs:
// 64 spline or affine coupling layers sent to the embed) (not with --spline).
//   node e2e/bench-run.mjs [--quick] [--spline] [--noworker] [--timeout-s N]
import { serve, launch, watchConsole } from './harness.mjs';
import { compareScenario } from './bench-compare.mjs';
import { heavyScenario } from './bench-heavy.mjs';

const args = process.argv.slice(2);
const options = ['quick', 'spline', 'noworker'].filter((o) => args.includes(`--${o}`));
const ti = args.indexOf('--timeout-s');
const timeoutMs = 1000 * (ti >= 0 ? Number(args[ti + 1]) : 300);

const server = await serve();
const browser = await launch();
let code = 0;
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}#bench${options.map((o) => `&${o}`).join('')}`);
  await page.waitForSelector('#bench-results[data-done="true"]', { timeout: timeoutMs });
  const text = await page.$eval('#bench-results', (el) => el.textContent);
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  for (const p of problems) process.stderr.write(`console: ${p}\n`);
  await ctx.close();
  if (!options.includes('spline')) {
    const seconds = options.includes('quick') ? 3 : 10;
    for (const worker of [true, false]) {
      for (const rate of [1, 4]) {
        process.stdout.write(`${await compareScenario(browser, server.url, { worker, rate, seconds })}\n`);
      }
    }
    for (const layers of ['n', 'a']) process.stdout.write(`${await heavyScenario(browser, server.url, { layers })}\n`);
  }
} catch (e) {
  process.stderr.write(`bench-run: ${e.message}\n`);
  code = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
