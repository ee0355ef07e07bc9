// Typed energies (issue 22): a formula U(x, y) fitted by reverse KL in the page, refused with its
// reason and position when it cannot be, carried by links and undone like any target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, shot, openPage, openTab, root } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BANANA = 'x^2/2 + 2*(y - x^2/2 + 1)^2';
const U1 = '0.5*((sqrt(x^2 + y^2) - 2)/0.4)^2 - log(exp(-0.5*((x - 2)/0.6)^2) + exp(-0.5*((x + 2)/0.6)^2))';
const enc = (s) => encodeURIComponent(s);
const floorOf = async (page) => Number((await page.textContent('#formula-status')).match(/cannot go below (-?\d+\.\d+)/)[1]);
const freeEnergy = (page) => page.evaluate(() => {
  const m = document.querySelector('#train-stats').textContent.match(/free energy (-?[\d.]+) \(ESS/);
  return m ? Number(m[1]) : null;
});

/** Trains the link's typed energy (planar K = 16, the default stack) and returns the seconds it took
 *  for the free energy at β = 1 to come within `gap` nats of the floor the page states. */
async function fitWithin(formula, gap, name) {
  const { ctx, page, problems } = await openPage(browser, `${server.url}#v=1&mode=typed&u=${enc(formula)}`);
  await openTab(page, 'data');
  assert.equal(await page.inputValue('#energy-formula'), formula, 'the link\'s formula is in the editor');
  const floor = await floorOf(page);
  const t0 = Date.now();
  await page.click('#train-button');
  await page.waitForFunction(([f, g]) => {
    const m = document.querySelector('#train-stats').textContent.match(/free energy (-?[\d.]+) \(ESS/);
    return m && Number(m[1]) < f + g;
  }, [floor, gap], { timeout: 60000 });
  const secs = (Date.now() - t0) / 1000;
  const fe = await freeEnergy(page);
  await page.click('#train-button');
  console.log(`# ${name}: free energy ${fe} vs floor ${floor} after ${secs.toFixed(1)} s`);
  assert.ok(fe > floor - 0.05, `${name}: ${fe} is below the floor ${floor} by more than the estimate's noise`);
  await shot(page, `typed-${name}`);
  assert.ok(!/NaN|Infinity/.test(await page.textContent('body')));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
  return secs;
}

test('a typed banana, planar K = 16: the free energy comes within 0.10 nats of −log Z within 60 s', async () => {
  await fitWithin(BANANA, 0.10, 'banana');
});

test('U1 typed as a formula: the free energy comes within 0.10 nats of its floor −1.8775 within 60 s', async () => {
  const { ctx, page } = await openPage(browser, `${server.url}#v=1&mode=typed&u=${enc(U1)}`);
  await openTab(page, 'data');
  assert.ok(Math.abs(await floorOf(page) - -1.8775) < 5e-4, 'quadrature meets U1\'s exact log Z');
  await ctx.close();
  await fitWithin(U1, 0.10, 'u1');
});

test('bad formulas are refused with their reason and position; nothing is lost; apply, undo and the link', async () => {
  const { ctx, page, problems } = await openPage(browser, server.url);
  await page.selectOption('#target-select', 'typed');
  await page.waitForSelector('#panel-data:not([hidden]) #energy-formula');
  assert.equal(await page.inputValue('#energy-formula'), BANANA, 'the gallery\'s first energy to start from');
  assert.match(await page.textContent('#formula-status'), /log Z = 1\.144\d/);
  // A syntax error: the message names the character, which is selected; the target stays.
  await page.fill('#energy-formula', 'x^2 + (y');
  await page.click('#formula-apply');
  await page.waitForSelector('#formula-status.problem');
  assert.match(await page.textContent('#formula-status'), /at character 9/);
  const sel = await page.$eval('#energy-formula', (el) => [el.selectionStart, el.value]);
  assert.deepEqual(sel, [8, 'x^2 + (y'], 'the text is kept and the error selected');
  // The address follows the state within a frame or two (the frame loop writes it).
  await page.waitForFunction((b) => decodeURIComponent(location.hash).includes(b), BANANA, { timeout: 5000 })
    .catch(() => assert.fail('the link still holds the banana'));
  // Undefined on the box; not normalisable.
  for (const [text, why] of [['log(x)', /undefined/], ['x^2/2', /not normalisable.*confining/]]) {
    await page.fill('#energy-formula', text);
    await page.click('#formula-apply');
    await page.waitForFunction((w) => new RegExp(w).test(document.querySelector('#formula-status.problem')?.textContent ?? ''), why.source);
  }
  // A good one by Ctrl+Enter.
  const ring = '0.5*((sqrt(x^2 + y^2) - 2.5)/0.3)^2';
  await page.fill('#energy-formula', ring);
  await page.press('#energy-formula', 'Control+Enter');
  await page.waitForFunction(() => /log Z = 2\.46/.test(document.querySelector('#formula-status').textContent));
  await page.waitForFunction(() => location.hash.includes('mode=typed') && location.hash.includes('2.5)/0.3'));
  const link = await page.evaluate(() => location.href);
  await shot(page, 'typed-editor');
  // Undo brings the banana back, in the editor and the link.
  await page.click('#undo-button');
  await page.waitForFunction((b) => document.querySelector('#energy-formula').value === b, BANANA);
  assert.match(await page.textContent('#formula-status'), /log Z = 1\.144\d/);
  // The ring's link opens the ring in a fresh browser.
  const b = await openPage(browser, link);
  await openTab(b.page, 'data');
  assert.equal(await b.page.inputValue('#energy-formula'), ring);
  assert.equal(await b.page.inputValue('#target-select'), 'typed');
  await b.ctx.close();
  // A paper energy opens as its formula, the same floor.
  await page.selectOption('#target-select', 'energy:U2');
  await page.click('#edit-as-formula');
  await page.waitForFunction(() => /sin\(pi\*x\/2\)/.test(document.querySelector('#energy-formula')?.value ?? ''));
  assert.match(await page.textContent('#formula-status'), /cannot go below -2\.227/);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('a link with a formula that cannot be fitted opens with a notice that quotes it', async () => {
  const { ctx, page, problems } = await openPage(browser, `${server.url}#v=1&mode=typed&u=${enc('x^2 + (y')}`);
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /typed energy.*cannot be fitted.*character 9/);
  assert.ok(!/NaN|Infinity/.test(await page.textContent('body')));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('points drawn from a typed density: the held-out NLL comes within 0.15 nats of its entropy', async () => {
  const { ctx, page, problems } = await openPage(browser, server.url);
  await openTab(page, 'data');
  await page.click('#density-source summary');
  // A bad density first: refused, the points stay.
  await page.fill('#density-formula', 'x');
  await page.click('#density-sample');
  await page.waitForSelector('#density-status.problem');
  assert.match(await page.textContent('#density-status'), /undefined/);
  assert.match(await page.textContent('#points-info'), /^1000 points/);
  await page.fill('#density-formula', 'exp(-x^2/2 - 2*(y - x^2/2 + 1)^2)');
  await page.fill('#density-count', '4000');
  await page.click('#density-sample');
  await page.waitForFunction(() => /^4000 points/.test(document.querySelector('#points-info').textContent));
  const entropy = Number((await page.textContent('#density-status')).match(/entropy is (\d+\.\d+)/)[1]);
  assert.ok(Math.abs(entropy - 2.1445) < 2e-3, `entropy ${entropy}`);
  await page.click('#train-button');
  const t0 = Date.now();
  await page.waitForFunction((h) => {
    const m = document.querySelector('#train-stats').textContent.match(/held-out NLL (-?\d+\.\d+)/);
    return m && Number(m[1]) < h + 0.15;
  }, entropy, { timeout: 60000 });
  const nll = Number((await page.textContent('#train-stats')).match(/held-out NLL (-?\d+\.\d+)/)[1]);
  console.log(`# typed density: held-out NLL ${nll} vs entropy ${entropy} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await page.click('#train-button');
  await shot(page, 'typed-density');
  // Undo brings the 1,000 moons back.
  await page.click('#undo-button');
  await page.waitForFunction(() => /^1000 points/.test(document.querySelector('#points-info').textContent));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

const AXE = fs.readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

for (const [name, opts] of [
  ['laptop-light', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }],
  ['phone-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
]) {
  test(`axe-core: the typed-energy editor with an error, and the density sampler (${name})`, async () => {
    // bypassCSP lets the injected audit run; the page's own scripts are unchanged.
    const { ctx, page, problems } = await openPage(browser, `${server.url}#v=1&mode=typed&u=${enc(BANANA)}`, { ...opts, bypassCSP: true });
    await openTab(page, 'data');
    await page.fill('#energy-formula', 'x^2 + (y');
    await page.click('#formula-apply');
    await page.waitForSelector('#formula-status.problem');
    await shot(page, `typed-editor-${name}`);
    const audit = async () => {
      await page.evaluate(AXE);
      return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`));
    };
    assert.deepEqual(await audit(), []);
    await page.selectOption('#target-select', 'preset:0');
    await page.click('#density-source summary');
    await page.fill('#density-formula', 'x');
    await page.click('#density-sample');
    await page.waitForSelector('#density-status.problem');
    await shot(page, `density-source-${name}`);
    assert.deepEqual(await audit(), []);
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  });
}
