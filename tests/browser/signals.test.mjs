// The trading-signals panel: the retained crypto/signals/recent fills it
// as the page opens, a signal on crypto/signals shows at once (and
// replaces that symbol x indicator x time frame's row), junk is dropped,
// the "indicator, not advice" disclaimer is on the panel in both
// languages, demo signals say demo, and axe finds no WCAG 2.1 AA issue
// with signals in it.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/signals.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { sharedSetup, publish, waitFor, screenshot } from './fixture.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const MIN_MS = 60000;

function state(symbol, indicator, timeframe, direction, value, extra = {}) {
  const t = Math.floor(Date.now() / MIN_MS) * MIN_MS - MIN_MS;
  return {
    symbol, indicator, timeframe, direction, value, candle_t_ms: t, candle_ts: new Date(t).toISOString(),
    params: indicator === 'rsi' ? { period: 14, smoothing: 'wilder', overbought: 70, oversold: 30 } : { ma: 'sma', fast: 9, slow: 21 },
    source: 'history', note: 'indicator, not advice', ...extra,
  };
}

const env = sharedSetup(async () => {
  await publish(env.pub, 'crypto/signals/recent', 'signals_recent', {
    signals: [state('BTC', 'ma_cross', '1m', 'bullish', 60.5), state('BTC', 'rsi', '1h', 'overbought', 74.2),
      state('ETH', 'rsi', '1m', 'neutral', 51)],
    source: 'history', note: 'indicator, not advice',
  }, { retain: true, qos: 0 });
});

const rows = (p) => p.evaluate(() => [...document.querySelectorAll('#signal-rows tr')].map((tr) =>
  [...tr.children].map((c) => c.textContent.trim())));
const ready = (p) => waitFor(() => p.evaluate(() => document.documentElement.classList.contains('dashboard-ready')
  && window.wsClient.isConnected()), { what: 'dashboard ready' });

test('the current states show as the page opens, a new signal at once', { timeout: 60000 }, async () => {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}/?lang=en`);
  await ready(p);
  const first = await waitFor(async () => { const r = await rows(p); return r.length === 3 && r; }, { what: 'recent states' });
  assert.deepEqual(first.map((r) => r.slice(0, 4)), [
    ['BTC', 'MA crossover (SMA 9/21)', '1 min', 'bullish'],
    ['BTC', 'RSI 14', '1 hour', 'overbought'],
    ['ETH', 'RSI 14', '1 min', 'neutral'],
  ]);
  assert.equal(first[1][4], '74.2');
  assert.equal(await p.isHidden('#signals-empty'), true);
  // the disclaimer is on the panel, visible
  assert.equal(await p.isVisible('#signals-disclaimer'), true);
  assert.match(await p.textContent('#signals-disclaimer'), /^Indicator, not advice/);
  // a change: that row replaced, announced, marked fresh
  await publish(env.pub, 'crypto/signals', 'signal', {
    ...state('BTC', 'ma_cross', '1m', 'bearish', -12.25), previous: 'bullish',
    candles: [[Date.now() - 2 * MIN_MS, 97000], [Date.now() - MIN_MS, 96900]],
  });
  const after = await waitFor(async () => { const r = await rows(p); return r[0][3] === 'bearish' && r; }, { what: 'the new signal' });
  assert.equal(after.length, 3);
  assert.equal(after[0][4], '-12.25');
  assert.equal(await p.evaluate(() => document.querySelector('#signal-rows tr').classList.contains('fresh')), true);
  assert.match(await p.textContent('#signals-announce'), /^Signal \(indicator, not advice\): BTC MA crossover/);
  // junk is dropped, not shown half
  for (const bad of [{ symbol: 'BTC' }, { ...state('BTC', 'macd', '1m', 'bullish', 1) },
    { ...state('BTC', 'rsi', '5m', 'neutral', 50) }, { ...state('<b>x</b>', 'rsi', '1m', 'neutral', 50) },
    { ...state('SOL', 'rsi', '1m', 'up', 50) }]) {
    await publish(env.pub, 'crypto/signals', 'signal', bad);
  }
  await publish(env.pub, 'crypto/signals', 'signal', state('SOL', 'rsi', '1m', 'oversold', 21.04));
  const last = await waitFor(async () => { const r = await rows(p); return r.length === 4 && r; }, { what: 'SOL row' });
  assert.deepEqual(last.map((r) => r[0]), ['BTC', 'BTC', 'ETH', 'SOL']);
  await screenshot(p, 'signals-en');
  await p.close();
});

test('the disclaimer in Persian, and directions in Persian', { timeout: 60000 }, async () => {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}/?lang=fa`);
  await ready(p);
  await waitFor(async () => (await rows(p)).length >= 3, { what: 'recent states' });
  const text = await p.textContent('#signals-disclaimer');
  assert.match(text, /^نشانگر است، نه توصیهٔ سرمایه‌گذاری/);
  assert.equal(await p.isVisible('#signals-disclaimer'), true);
  assert.equal(await p.textContent('#h-signals'), 'سیگنال‌های معاملاتی');
  const r = await rows(p);
  assert.ok(r.some((row) => row[3] === 'صعودی' || row[3] === 'نزولی'), JSON.stringify(r));
  // switched to English on the page: the disclaimer follows
  await p.click('#lang-toggle');
  await waitFor(async () => /^Indicator, not advice/.test(await p.textContent('#signals-disclaimer')), { what: 'English disclaimer' });
  await screenshot(p, 'signals-fa');
  await p.close();
});

test('a demo signal says demo', { timeout: 60000 }, async () => {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}/?lang=en`);
  await ready(p);
  await waitFor(async () => (await rows(p)).length >= 3, { what: 'recent states' });
  await publish(env.pub, 'crypto/signals', 'signal', state('DOGE', 'rsi', '1m', 'neutral', 48, { source: 'demo' }));
  const r = await waitFor(async () => (await rows(p)).find((row) => row[0] === 'DOGE'), { what: 'DOGE row' });
  assert.match(r[3], /neutral demo/);
  await p.close();
});

for (const query of ['?lang=en&theme=light', '?lang=fa&theme=dark']) {
  test(`signals panel ${query}: no WCAG 2.1 AA violation`, { timeout: 60000 }, async () => {
    const p = await env.browser.newPage();
    await p.goto(`${env.broker.url}/${query}`);
    await ready(p);
    await waitFor(async () => (await rows(p)).length >= 3, { what: 'recent states' });
    await publish(env.pub, 'crypto/signals', 'signal', state('ADA', 'ma_cross', '1h', 'bearish', -0.0012));
    await waitFor(async () => (await rows(p)).some((row) => row[0] === 'ADA'), { what: 'ADA row' });
    await new Promise((r) => setTimeout(r, 1200));
    await p.addScriptTag({ path: AXE });
    const v = await p.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((x) => ({ id: x.id, help: x.help, nodes: x.nodes.slice(0, 4).map((n) => n.target.join(' ') + (n.any[0] ? ' — ' + n.any[0].message : '')) }));
    });
    assert.deepEqual(v, [], JSON.stringify(v, null, 1));
    await p.close();
  });
}

test('no page errors', () => {
  assert.deepEqual(env.browser.errors, []);
});
