// Recorded demo data must never pass for live prices: with the bridge's
// demo data retained (source "demo", crypto/sources "demo": true), every
// view says so plainly and permanently; once the sources say live, it
// stops. Chromium against the real broker and plugin.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/demo.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedSetup, publish, priceData, screenshot, waitFor } from './fixture.mjs';

const retained = { retain: true, qos: 0 };

function sources(demo) {
  return {
    demo,
    sources: { coingecko: { status: 'ok', latency_ms: 0.4, errors_total: 0, requests_total: 5 },
      nobitex: { status: 'ok', latency_ms: 0.3, errors_total: 0, requests_total: 5 } },
    watching: ['BTC', 'ETH'], discovered: 0,
  };
}

const env = sharedSetup(async () => {
  for (const [s, p] of [['BTC', 97000.5], ['ETH', 3400.12]]) {
    await publish(env.pub, `crypto/prices/${s}`, 'price_update', priceData(s, p, { source: 'demo' }), retained);
  }
  await publish(env.pub, 'crypto/sources', 'sources_update', sources(true), retained);
});

async function open(path) {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}${path}`);
  await waitFor(() => p.evaluate(() => window.wsClient && window.wsClient.isConnected() && window.wsClient.demo),
    { what: `${path}: the client sees demo data` });
  return p;
}

const visibleText = (p, sel) => p.evaluate((s) => {
  const e = document.querySelector(s);
  return e && !e.hidden && e.offsetParent !== null ? e.textContent.trim() : null;
}, sel);

for (const [lang, banner, badge, bar] of [
  ['en', /Demo data: recorded prices replayed, not live/, /^demo /, /Demo data, not live/],
  ['fa', /داده‌های نمایشی/, /^نمایشی،/, /داده‌های نمایشی، نه زنده/],
]) {
  test(`dashboard (${lang}): banner, "demo" badges and sources, the status bar`, { timeout: 60000 }, async () => {
    const p = await open(`/?lang=${lang}`);
    await waitFor(() => p.evaluate(() => document.querySelectorAll('#price-rows tr').length === 2), { what: 'two rows' });
    assert.match(await visibleText(p, '#demo-banner') ?? '', banner);
    const badges = await p.$$eval('#price-rows .badge', (bs) => bs.map((b) => b.textContent));
    assert.equal(badges.length, 2);
    for (const b of badges) assert.match(b, badge, `badge "${b}" says demo`);
    assert.ok(!badges.some((b) => /live|زنده/.test(b)), `no badge says live: ${badges}`);
    await waitFor(() => p.evaluate(() => document.querySelectorAll('#source-rows tr').length === 2), { what: 'sources' });
    const states = await p.$$eval('#source-rows .health', (s) => s.map((x) => x.className));
    assert.deepEqual(states, ['health health-demo', 'health health-demo']);
    assert.match(await visibleText(p, '#ws-demo') ?? '', bar);
    await screenshot(p, `demo-dashboard-${lang}`);
    await p.close();
  });
}

test('wall display: the banner is there too', { timeout: 60000 }, async () => {
  const p = await open('/?display=1&lang=en');
  await p.setViewportSize({ width: 1366, height: 768 });
  assert.match(await visibleText(p, '#demo-banner') ?? '', /not live/);
  await screenshot(p, 'demo-wall-display');
  await p.close();
});

test('test page: banner and status bar', { timeout: 60000 }, async () => {
  const p = await open('/test_websocket.html');
  await waitFor(async () => (await visibleText(p, '#demo-banner')) !== null, { what: 'test page banner' });
  assert.match(await visibleText(p, '#demo-banner'), /not live/);
  assert.match(await visibleText(p, '#ws-demo') ?? '', /Demo data, not live/);
  await p.close();
});

test('when the sources say live, the page stops saying demo', { timeout: 60000 }, async () => {
  const p = await open('/?lang=en');
  await publish(env.pub, 'crypto/sources', 'sources_update', sources(false), retained);
  await publish(env.pub, 'crypto/prices/BTC', 'price_update', priceData('BTC', 97001), retained);
  await waitFor(() => p.evaluate(() => document.getElementById('demo-banner').hidden), { what: 'banner hidden' });
  assert.equal(await visibleText(p, '#ws-demo'), null);
  await waitFor(() => p.evaluate(() => /^live /.test(document.querySelector('#price-rows tr[data-symbol="BTC"] .badge').textContent)),
    { what: 'BTC badge live' });
  const states = await p.$$eval('#source-rows .health', (s) => s.map((x) => x.className));
  assert.deepEqual(states, ['health health-ok', 'health health-ok']);
  await p.close();
  // and a page opened now, on live data only, shows no banner at all
  await publish(env.pub, 'crypto/prices/ETH', 'price_update', priceData('ETH', 3401), retained);
  const fresh = await env.browser.newPage();
  await fresh.goto(`${env.broker.url}/?lang=en`);
  await waitFor(() => fresh.evaluate(() => document.documentElement.classList.contains('dashboard-ready')
    && document.querySelectorAll('#source-rows tr').length === 2
    && document.querySelectorAll('#price-rows tr').length === 2), { what: 'fresh page' });
  assert.equal(await fresh.evaluate(() => window.wsClient.demo), false);
  assert.equal(await visibleText(fresh, '#demo-banner'), null);
  const badges = await fresh.$$eval('#price-rows .badge', (bs) => bs.map((b) => b.textContent));
  for (const b of badges) assert.match(b, /^live /);
  await fresh.close();
});
