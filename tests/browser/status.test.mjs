// The status bar, the client library and the test page in Chromium,
// against the real broker with the real plugin.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/status.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Broker, launchBrowser, publish, screenshot, waitFor } from './fixture.mjs';

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

const count = (page, id = 'active-users-count') =>
  page.evaluate((i) => document.getElementById(i)?.getAttribute('data-value'), id);
const dotClasses = (page) => page.evaluate(() => [...document.getElementById('ws-status-dot').classList]);

async function waitCount(page, want, what) {
  await waitFor(async () => (await count(page)) === String(want), { what: `${what}: #active-users-count = ${want}`, timeout: 15000 });
}

test('three tabs raise #active-users-count by three and closing one lowers it', { timeout: 60000 }, async () => {
  const base = (await broker.stats()).active_connections;
  const tabs = [];
  for (let i = 0; i < 3; i++) {
    const p = await browser.newPage();
    await p.goto(`${broker.url}/test_websocket.html`);
    tabs.push(p);
  }
  for (const [i, p] of tabs.entries()) {
    await waitCount(p, base + 3, `tab ${i}`);
    // The visible text says the same, in the page's digits.
    assert.equal(await p.textContent('#active-users-count'), String(base + 3));
    assert.ok(Number(await count(p, 'total-sessions-count')) >= 3);
    // ...and the test page's own figures and tables.
    await waitFor(() => p.evaluate(() => document.querySelector('#client-types td[data-key="browser"]')?.textContent === String(3)),
      { what: 'browser client type = 3' });
  }
  await screenshot(tabs[0], 'test-page');
  await tabs[2].close();
  await waitCount(tabs[0], base + 2, 'tab 0 after a close');
  await waitCount(tabs[1], base + 2, 'tab 1 after a close');
  await Promise.all(tabs.slice(0, 2).map((p) => p.close()));
  await waitFor(async () => (await broker.stats()).active_connections === base, { what: 'all tabs gone' });
});

test("the dot's classes follow the connection", { timeout: 30000 }, async () => {
  const p = await browser.newPage();
  await p.goto(`${broker.url}/test_websocket.html`);
  await waitFor(async () => (await dotClasses(p)).includes('status-dot-online'), { what: 'online dot' });
  assert.ok(!(await dotClasses(p)).includes('status-dot-offline'));
  assert.equal(await p.getAttribute('#ws-connection-status', 'data-state'), 'online');
  assert.equal(await p.textContent('#ws-status-text'), 'Connected');
  // The dot is green and pulsing while online (the stylesheet applies).
  const dotStyle = () => p.evaluate(() => {
    const s = getComputedStyle(document.getElementById('ws-status-dot'));
    return { bg: s.backgroundColor, anim: s.animationName };
  });
  await waitFor(async () => (await dotStyle()).bg === 'rgb(22, 163, 74)', { what: 'a green dot' });
  assert.equal((await dotStyle()).anim, 'nabz-pulse');
  // The page's client closes: offline, red.
  await p.evaluate(() => window.wsClient.close());
  await waitFor(async () => (await dotClasses(p)).includes('status-dot-offline'), { what: 'offline dot' });
  assert.ok(!(await dotClasses(p)).includes('status-dot-online'));
  await waitFor(async () => (await dotStyle()).bg === 'rgb(220, 38, 38)', { what: 'a red dot' });
  await p.close();
});

test('requestStats() resolves with the stats object', { timeout: 30000 }, async () => {
  const p = await browser.newPage();
  await p.goto(`${broker.url}/test_websocket.html`);
  const stats = await p.evaluate(() => window.wsClient.requestStats());
  for (const k of ['active_connections', 'unique_users', 'total_sessions', 'peak_connections', 'uptime_s']) {
    assert.equal(typeof stats[k], 'number', k);
  }
  assert.ok(stats.active_connections >= 1);
  assert.deepEqual(Object.keys(stats.groups).sort(), ['alerts', 'chat', 'market', 'news', 'prices', 'signals']);
  assert.equal(typeof stats.client_types, 'object');
  assert.ok(stats.client_types.browser >= 1);
  // The test page's button shows the round trip.
  await p.click('#request-stats');
  await waitFor(async () => /^\d+(\.\d)? ms$/.test(await p.textContent('#stats-rtt')), { what: 'round trip shown' });
  // A closed client rejects instead of hanging.
  const err = await p.evaluate(() => { window.wsClient.close(); return window.wsClient.requestStats().then(() => 'resolved', (e) => e.message); });
  assert.match(err, /closed/);
  await p.close();
});

test('test page: subscribe buttons change the groups, messages are logged', { timeout: 30000 }, async () => {
  const pub = await broker.publisher();
  const p = await browser.newPage();
  await p.goto(`${broker.url}/test_websocket.html`);
  await waitFor(() => p.evaluate(() => window.wsClient.isConnected()), { what: 'connected' });
  await p.click('#toggle-market');
  assert.equal(await p.getAttribute('#toggle-market', 'aria-pressed'), 'true');
  await waitFor(async () => (await broker.stats()).groups.market === 1, { what: 'market audience 1' });
  await waitFor(() => p.evaluate(() => document.querySelector('#groups td[data-key="market"]')?.textContent === '1'), { what: 'group table' });
  await publish(pub, 'crypto/market', 'market_update', { usdt_irt: 61000, seq: 'first' }, { qos: 0 });
  await waitFor(() => p.evaluate(() => document.getElementById('message-log').textContent.includes('"seq":"first"')), { what: 'logged message' });
  await p.click('#toggle-market');
  await waitFor(async () => (await broker.stats()).groups.market === 0, { what: 'market audience 0' });
  pub.end(true);
  await p.close();
});

test('embed.html: the status bar works with no page code', { timeout: 30000 }, async () => {
  const p = await browser.newPage();
  await p.goto(`${broker.url}/static/examples/embed.html`);
  await waitFor(async () => (await dotClasses(p)).includes('status-dot-online'), { what: 'online dot' });
  await waitFor(async () => Number(await count(p)) >= 1, { what: 'a count' });
  assert.ok(Number(await count(p, 'total-sessions-count')) >= 1);
  // The page itself has no script of its own: two tags, both ours.
  const scripts = await p.evaluate(() => [...document.scripts].map((s) => new URL(s.src).pathname));
  assert.deepEqual(scripts, ['/static/vendor/mqtt.min.js', '/static/js/websocket-client.js']);
  assert.equal(await p.evaluate(() => document.styleSheets.length), 1);
  await screenshot(p, 'embed');
  await p.close();
});

test('the status bar: colours and position from custom properties alone, reduced motion respected', { timeout: 30000 }, async () => {
  const p = await browser.newPage();
  await p.goto(`${broker.url}/static/examples/embed.html`);
  await waitFor(async () => (await dotClasses(p)).includes('status-dot-online'), { what: 'online dot' });
  const dot = () => p.evaluate(() => {
    const st = getComputedStyle(document.getElementById('ws-status-dot'));
    return { bg: st.backgroundColor, animation: st.animationName };
  });
  assert.notEqual((await dot()).animation, 'none');              // pulsing while connected
  // Only custom properties, no class or markup change: colour and edge.
  await p.addStyleTag({ content: ':root { --nabz-online: rgb(1, 2, 3); --nabz-bar-position: bottom; }' });
  await waitFor(async () => (await dot()).bg === 'rgb(1, 2, 3)', { what: 'the online colour from --nabz-online' });
  const edge = await p.evaluate(() => {
    const r = document.getElementById('ws-connection-status').getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, vh: window.innerHeight };
  });
  assert.ok(edge.top > 0 && Math.abs(edge.bottom - edge.vh) <= 1, JSON.stringify(edge));
  // A user who asked the system for less motion gets no pulse.
  await p.emulateMedia({ reducedMotion: 'reduce' });
  await waitFor(async () => (await dot()).animation === 'none', { what: 'no animation with reduced motion' });
  await p.close();
});

test('one script tag: websocket-client.js loads MQTT.js itself', { timeout: 30000 }, async () => {
  const p = await browser.newPage();
  await p.goto(`${broker.url}/static/examples/one-tag.html`);
  const source = await (await fetch(`${broker.url}/static/examples/one-tag.html`)).text();
  assert.deepEqual(source.match(/<script[^>]*>/g), ['<script src="/static/js/websocket-client.js">']);
  await waitFor(async () => (await dotClasses(p)).includes('status-dot-online'), { what: 'online dot' });
  assert.equal(await p.evaluate(() => typeof window.mqtt.connect), 'function');
  await waitFor(async () => Number(await count(p)) >= 1, { what: 'a count' });
  // --nabz-bar-position-style placement: this page asks for the bottom.
  const box = await p.evaluate(() => {
    const r = document.getElementById('ws-connection-status').getBoundingClientRect();
    return { bottom: Math.round(r.bottom), vh: innerHeight };
  });
  assert.equal(box.bottom, box.vh);
  await p.close();
});

test('no console errors on the test page and the embed page', () => {
  assert.deepEqual(browser.errors, []);
});
