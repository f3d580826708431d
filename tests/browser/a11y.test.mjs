// An accessibility check of every page a newcomer meets: axe-core (npm;
// it runs inside the page, no browser download) on the dashboard in both
// languages and themes, the wall display and the test page, with data in
// them. WCAG 2.1 A and AA rules; any violation fails, with what and where.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/a11y.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { sharedSetup, publish, priceData, waitFor } from './fixture.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

const env = sharedSetup(async () => {
  const retained = { retain: true, qos: 0 };
  for (const [s, p] of [['BTC', 97000.5], ['ETH', 3400.12], ['SOL', 180.4]]) {
    await publish(env.pub, `crypto/prices/${s}`, 'price_update', priceData(s, p), retained);
  }
  await publish(env.pub, 'crypto/prices/TON', 'price_update', priceData('TON', 5.5, { stale: true, age_s: 600 }), retained);
  await publish(env.pub, 'crypto/market', 'market_update', {
    total_market_cap_usd: 3.41e12, total_volume_usd: 1.2e11, btc_dominance_pct: 56.7, usdt_irt: 61234,
    source: 'coingecko', source_ts: new Date().toISOString(),
  }, retained);
  await publish(env.pub, 'crypto/sources', 'sources_update', {
    demo: false,
    sources: { binance: { status: 'ok', latency_ms: 12.5, errors_total: 0, requests_total: 3, last_success: new Date().toISOString() },
      nobitex: { status: 'down', last_error: 'HTTP 503', latency_ms: 0, errors_total: 3, requests_total: 9 } },
    watching: ['BTC', 'ETH', 'SOL', 'TON'], discovered: 0,
  }, retained);
  await publish(env.pub, 'crypto/news/recent', 'news_recent', {
    items: [{ id: 'n-1', title: 'A headline', source: 'rss', published_at: new Date().toISOString() }],
  }, retained);
});

async function axe(path, ready) {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}${path}`);
  await waitFor(() => p.evaluate(ready), { what: `${path} ready` });
  await new Promise((r) => setTimeout(r, 1200));          // animations of the first fill are over
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + (n.any[0] ? ' — ' + n.any[0].message : '')) }));
  });
  await p.close();
  return result;
}

const dashboardReady = () => document.documentElement.classList.contains('dashboard-ready')
  && document.querySelectorAll('#price-rows tr').length === 4 && document.querySelectorAll('#source-rows tr').length === 2;

for (const query of ['?lang=en&theme=light', '?lang=en&theme=dark', '?lang=fa&theme=light', '?lang=fa&theme=dark', '?display=1&lang=fa&theme=dark']) {
  test(`dashboard ${query}: no WCAG 2.1 AA violation`, { timeout: 60000 }, async () => {
    const v = await axe(`/${query}`, dashboardReady);
    assert.deepEqual(v, [], JSON.stringify(v, null, 1));
  });
}

test('test page: no WCAG 2.1 AA violation', { timeout: 60000 }, async () => {
  const v = await axe('/test_websocket.html', () => window.wsClient && window.wsClient.isConnected());
  assert.deepEqual(v, [], JSON.stringify(v, null, 1));
});
