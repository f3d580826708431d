// A broker restart: every tab shows offline while the broker is away and
// comes back online by itself, with no reload, subscribed again.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/restart.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Broker, launchBrowser, publish, waitFor } from './fixture.mjs';

let broker;
let browser;

before(async () => {
  broker = await new Broker().start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await broker?.cleanup();
});

const dot = (p) => p.evaluate(() => [...document.getElementById('ws-status-dot').classList]);
const count = (p) => p.evaluate(() => document.getElementById('active-users-count').getAttribute('data-value'));

test('broker stop shows offline; broker start brings every tab back, resubscribed', { timeout: 90000 }, async () => {
  const tabs = [];
  for (const path of ['/test_websocket.html', '/test_websocket.html', '/static/examples/embed.html', '/']) {
    const p = await browser.newPage();
    await p.goto(broker.url + path);
    tabs.push(p);
  }
  for (const p of tabs) {
    await waitFor(async () => (await count(p)) === '4', { what: `${p.url()} counts 4 tabs` });
    await p.evaluate(() => { window.__sameDocument = true; });
  }
  const [logTab] = tabs;
  await logTab.click('#toggle-market');
  await waitFor(async () => (await broker.stats()).groups.market === 2, { what: 'test tab and dashboard in market' });

  await broker.stop();
  for (const p of tabs) {
    await waitFor(async () => {
      const c = await dot(p);
      return c.includes('status-dot-offline') && !c.includes('status-dot-online');
    }, { what: `${p.url()} offline` });
  }
  // Retrying: amber, and the bar says so.
  await waitFor(async () => (await dot(logTab)).includes('status-dot-reconnecting'), { what: 'reconnecting dot' });
  assert.equal(await logTab.getAttribute('#ws-connection-status', 'data-state'), 'reconnecting');
  assert.equal(await logTab.textContent('#ws-status-text'), 'Reconnecting…');

  await broker.start();
  for (const p of tabs) {
    await waitFor(async () => (await dot(p)).includes('status-dot-online'), { what: `${p.url()} online again`, timeout: 45000 });
    // Subscribed to the stats again: the count is live once more.
    await waitFor(async () => (await count(p)) === '4', { what: `${p.url()} counts 4 tabs again`, timeout: 15000 });
    assert.equal(await p.evaluate(() => window.__sameDocument), true, 'no reload');
  }
  await waitFor(async () => (await broker.stats()).groups.market === 2, { what: 'market subscriptions restored' });
  const pub = await broker.publisher();
  await publish(pub, 'crypto/market', 'market_update', { usdt_irt: 62000, seq: 'after-restart' }, { qos: 0 });
  await waitFor(() => logTab.evaluate(() => document.getElementById('message-log').textContent.includes('"seq":"after-restart"')),
    { what: 'a publish after the restart arrives' });
  const dash = tabs[3];
  await waitFor(async () => (await dash.textContent('#market-usdt-irt')) === '62,000', { what: 'dashboard market after restart' });
  pub.end(true);
  // The counts are live again (stats resubscribed), not just left over.
  await tabs[2].close();
  for (const p of [tabs[0], tabs[1], tabs[3]]) {
    await waitFor(async () => (await count(p)) === '3', { what: `${p.url()} counts 3 after a close` });
  }

  // While the broker was away Chromium logs each refused WebSocket; nothing else.
  const other = browser.errors.filter((e) => !/WebSocket connection to .* failed/.test(e));
  assert.deepEqual(other, []);
});
