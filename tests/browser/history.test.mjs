// The dashboard's charts open drawn: the bridge's retained history
// (crypto/history/<SYM>, price_history) is drawn at once, live updates
// go on after it, and a chart with fewer than two points shows a note
// instead of an empty axis.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/history.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedSetup, publish, priceData, waitFor } from './fixture.mjs';

const MIN_MS = 60000;

const env = sharedSetup(async () => {
  const retained = { retain: true, qos: 0 };
  const now = Math.floor(Date.now() / MIN_MS) * MIN_MS;
  // Half an hour of BTC, oldest first, as the bridge keeps it.
  const points = [];
  for (let i = 30; i >= 1; i--) points.push([now - i * MIN_MS, 96000 + i * 10]);
  await publish(env.pub, 'crypto/history/BTC', 'price_history', { symbol: 'BTC', interval_s: 60, points }, retained);
  await publish(env.pub, 'crypto/prices/BTC', 'price_update', priceData('BTC', 97000.5), retained);
  // ETH: one price and no history yet.
  await publish(env.pub, 'crypto/prices/ETH', 'price_update', priceData('ETH', 3400.12), retained);
});

const chart = (p, sym) => p.evaluate((s) => {
  const fig = document.querySelector(`#chart-list figure[data-symbol="${s}"]`);
  if (!fig) return null;
  return {
    points: Number(fig.dataset.points),
    canvas: !!fig.querySelector('.plot canvas'),
    plotHidden: fig.querySelector('.plot').hidden,
    noteHidden: fig.querySelector('.empty').hidden,
    role: fig.querySelector('.plot').getAttribute('role'),
    label: fig.querySelector('.plot').getAttribute('aria-label'),
  };
}, sym);

test('a chart opens drawn from the retained history, then goes on live', { timeout: 60000 }, async () => {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}/?lang=en`);
  await waitFor(() => p.evaluate(() => document.documentElement.classList.contains('dashboard-ready') && window.wsClient.isConnected()),
    { what: 'dashboard ready' });
  // The history and the retained price: 31 points, no live update needed.
  const btc = await waitFor(async () => { const c = await chart(p, 'BTC'); return c && c.points >= 31 && c; },
    { what: 'BTC chart from history' });
  assert.ok(btc.points >= 2);
  assert.equal(btc.canvas, true);
  assert.equal(btc.plotHidden, false);
  assert.equal(btc.noteHidden, true);
  // the canvas is named for a screen reader: what, how many points, the price now
  assert.equal(btc.role, 'img');
  assert.match(btc.label, /^BTC price chart: \d+ points from \d\d:\d\d to \d\d:\d\d, now \$/);
  // ETH has one point: a note, not an axis from 0.
  const eth = await waitFor(async () => { const c = await chart(p, 'ETH'); return c && c.points === 1 && c; },
    { what: 'ETH chart with one point' });
  assert.equal(eth.canvas, false);
  assert.equal(eth.plotHidden, true);
  assert.equal(eth.noteHidden, false);
  // A live update goes after the history.
  await publish(env.pub, 'crypto/prices/BTC', 'price_update', priceData('BTC', 97100), { qos: 0 });
  await waitFor(async () => (await chart(p, 'BTC')).points === btc.points + 1, { what: 'live point appended' });
  // ETH's second live point draws its line.
  await publish(env.pub, 'crypto/prices/ETH', 'price_update', priceData('ETH', 3401), { qos: 0 });
  const eth2 = await waitFor(async () => { const c = await chart(p, 'ETH'); return c.points === 2 && c.canvas && c; },
    { what: 'ETH line' });
  assert.equal(eth2.noteHidden, true);
  await p.close();
});

test('a chart added later draws its history at once', { timeout: 60000 }, async () => {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}/?lang=en`);
  await waitFor(() => p.evaluate(() => document.documentElement.classList.contains('dashboard-ready') && window.wsClient.isConnected()),
    { what: 'dashboard ready' });
  await waitFor(async () => (await chart(p, 'BTC'))?.points >= 31, { what: 'BTC chart' });
  // Closed, then opened again from the price table: drawn from history again.
  await p.click('#price-rows tr[data-symbol="BTC"] .chart-toggle');
  await waitFor(async () => (await chart(p, 'BTC')) === null, { what: 'BTC chart closed' });
  await p.click('#price-rows tr[data-symbol="BTC"] .chart-toggle');
  const btc = await waitFor(async () => { const c = await chart(p, 'BTC'); return c && c.points >= 30 && c; },
    { what: 'BTC chart reopened from history' });
  assert.equal(btc.canvas, true);
  await p.close();
});

test('no console errors', () => {
  assert.deepEqual(env.browser.errors, []);
});
