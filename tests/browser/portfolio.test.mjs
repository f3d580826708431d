// The portfolio panel in Chromium, fed by a test publisher through the real
// broker: holdings entered through the form, valued from live prices, in
// toman and Persian digits, kept across a reload, exported and imported,
// bad files and stored garbage refused without loss, and the wire check:
// every WebSocket frame the page sends (MQTT packets decoded) and every
// request it makes is recorded while holdings are edited, and none carries
// anything about them.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/portfolio.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { sharedSetup, publish, priceData, waitFor, screenshot } from './fixture.mjs';

const KEY = 'nabz.portfolio.v1';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const retained = { retain: true, qos: 0 };

const env = sharedSetup(async (e) => {
  for (const [s, p] of [['BTC', 97000.5], ['ETH', 3400]]) {
    await publish(e.pub, `crypto/prices/${s}`, 'price_update', priceData(s, p), retained);
  }
  // a symbol with no toman price of its own: valued from USDT → toman
  await publish(e.pub, 'crypto/prices/SOL', 'price_update', priceData('SOL', 200, { price_irt: undefined }), retained);
  await publish(e.pub, 'crypto/market', 'market_update', {
    total_market_cap_usd: 3.41e12, total_volume_usd: 1.2e11, btc_dominance_pct: 56.7, usdt_irt: 61234,
    source: 'coingecko', source_ts: new Date().toISOString(),
  }, retained);
});

/* A dashboard with no stored portfolio (the tests share one browser
 * profile, so one origin's localStorage). */
async function openFresh(query = '?lang=en', page) {
  const p = page || await env.browser.newPage();
  await p.goto(`${env.broker.url}/${query}`);
  await p.evaluate((k) => localStorage.removeItem(k), KEY);
  await p.reload();
  await ready(p);
  return p;
}

async function ready(p) {
  await waitFor(() => p.evaluate(() => document.documentElement.classList.contains('dashboard-ready')
    && window.wsClient.isConnected() && document.querySelectorAll('#price-rows tr').length >= 3), { what: 'dashboard ready' });
}

async function addHolding(p, { symbol, amount, buyUsd = '', buyIrt = '' }) {
  await p.fill('#pf-symbol', symbol);
  await p.fill('#pf-amount', amount);
  await p.fill('#pf-buy-usd', buyUsd);
  await p.fill('#pf-buy-irt', buyIrt);
  await p.click('#pf-save');
}

const cell = (p, sym, cls) => p.evaluate(([s, c]) => document.querySelector(`#pf-rows tr[data-symbol="${s}"] .${c}`)?.textContent ?? null, [sym, cls]);
const total = (p, cls) => p.evaluate((c) => document.querySelector(`#pf-total .${c}`).textContent, cls);
const stored = (p) => p.evaluate((k) => localStorage.getItem(k), KEY);

test('holdings entered in the form are valued from live prices', { timeout: 60000 }, async () => {
  const p = await openFresh();
  assert.equal(await p.isVisible('#pf-empty'), true);

  // a bad amount: said, announced, the field marked, nothing added
  await addHolding(p, { symbol: 'btc', amount: '0' });
  assert.match(await p.textContent('#pf-error'), /Amount: a number above zero/);
  assert.equal(await p.getAttribute('#pf-amount', 'aria-invalid'), 'true');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'pf-amount');
  assert.equal(await stored(p), null);
  await addHolding(p, { symbol: 'BT-C', amount: '1' });
  assert.match(await p.textContent('#pf-error'), /Symbol: 1 to 15/);

  await addHolding(p, { symbol: 'btc', amount: '0.5', buyUsd: '80000' });
  await waitFor(async () => (await cell(p, 'BTC', 'pf-value-usd')) === '$48,500.25', { what: 'BTC valued' });
  assert.equal(await p.textContent('#pf-error'), '');
  assert.equal(await p.textContent('#pf-status'), 'BTC saved.');
  assert.equal(await cell(p, 'BTC', 'pf-value-irt'), '2,910,015,000');
  assert.equal(await cell(p, 'BTC', 'pf-pl'), '+$8,500.25 (+21.25%)');
  assert.equal(await cell(p, 'BTC', 'pf-share'), '100.00%');

  // a live price moves the value and the P/L
  await publish(env.pub, 'crypto/prices/BTC', 'price_update', priceData('BTC', 100000), { qos: 0 });
  await waitFor(async () => (await cell(p, 'BTC', 'pf-value-usd')) === '$50,000.00', { what: 'BTC revalued' });
  assert.equal(await cell(p, 'BTC', 'pf-pl'), '+$10,000.00 (+25.00%)');

  await addHolding(p, { symbol: 'ETH', amount: '10', buyUsd: '4000' });
  await waitFor(async () => (await cell(p, 'ETH', 'pf-value-usd')) === '$34,000.00', { what: 'ETH valued' });
  assert.equal(await cell(p, 'ETH', 'pf-pl'), '-$6,000.00 (-15.00%)');
  assert.ok(await p.evaluate(() => document.querySelector('#pf-rows tr[data-symbol="ETH"] .pf-pl .change').classList.contains('down')));
  assert.equal(await cell(p, 'BTC', 'pf-share'), '59.52%');
  assert.equal(await cell(p, 'ETH', 'pf-share'), '40.48%');
  assert.equal(await total(p, 'pf-value-usd'), '$84,000.00');
  assert.equal(await total(p, 'pf-pl'), '+$4,000.00 (+5.00%)');
  assert.equal(await p.getAttribute('#pf-chart', 'role'), 'img');
  assert.equal(await p.getAttribute('#pf-chart', 'aria-label'), 'Share of the total value: BTC 59.52%, ETH 40.48%');

  // SOL has no toman price: estimated from USDT → toman, said so
  await addHolding(p, { symbol: 'sol', amount: '2' });
  await waitFor(async () => (await cell(p, 'SOL', 'pf-value-irt')) === '≈\u00a024,493,600', { what: 'SOL in toman' });
  assert.match(await p.getAttribute('#pf-rows tr[data-symbol="SOL"] .pf-value-irt', 'title'), /USDT → toman/);

  // a symbol nobody publishes: kept, shown unpriced, left out of the totals
  await addHolding(p, { symbol: 'NOPE1', amount: '3' });
  await waitFor(async () => (await cell(p, 'NOPE1', 'pf-price')) === 'no price yet', { what: 'unpriced row' });
  assert.match(await p.textContent('#pf-notes'), /1 holding\(s\) without a price/);

  // editing: the same symbol again replaces its holding
  await p.click('#pf-rows tr[data-symbol="ETH"] button[data-action="edit"]');
  assert.equal(await p.inputValue('#pf-amount'), '10');
  await p.fill('#pf-amount', '20');
  await p.click('#pf-save');
  await waitFor(async () => (await cell(p, 'ETH', 'pf-value-usd')) === '$68,000.00', { what: 'ETH edited' });
  assert.equal(await p.locator('#pf-rows tr[data-symbol="ETH"]').count(), 1);

  // a stale price is marked as in the price table
  await publish(env.pub, 'crypto/prices/ETH', 'price_update', priceData('ETH', 3400, { stale: true, age_s: 600 }), { qos: 0 });
  await waitFor(async () => /stale/.test(await cell(p, 'ETH', 'pf-price')), { what: 'ETH marked stale' });
  assert.match(await p.textContent('#pf-notes'), /Some prices are stale/);

  // remove
  await p.click('#pf-rows tr[data-symbol="NOPE1"] button[data-action="remove"]');
  await waitFor(async () => (await cell(p, 'NOPE1', 'pf-price')) === null, { what: 'NOPE1 removed' });
  assert.deepEqual(JSON.parse(await stored(p)).holdings.map((h) => h.symbol), ['BTC', 'ETH', 'SOL']);
  await screenshot(p, 'portfolio-en');
  assert.deepEqual(env.browser.errors, []);
  await p.close();
});

test('a price from recorded demo data is marked demo, as in the price table', { timeout: 60000 }, async () => {
  const p = await openFresh();
  assert.equal(await p.isDisabled('#pf-export'), true, 'nothing to export yet');
  assert.equal(await p.isDisabled('#pf-clear'), true, 'nothing to clear yet');
  await addHolding(p, { symbol: 'ETH', amount: '1' });
  await waitFor(async () => (await cell(p, 'ETH', 'pf-value-usd')) !== null, { what: 'ETH in' });
  assert.equal(await p.isDisabled('#pf-export'), false);
  // not retained: the other tests' pages stay live
  await publish(env.pub, 'crypto/prices/ETH', 'price_update', priceData('ETH', 3300, { source: 'demo' }), { qos: 0 });
  await waitFor(async () => (await cell(p, 'ETH', 'pf-price')) === '$3,300.00 demo', { what: 'ETH marked demo' });
  assert.match(await p.textContent('#pf-notes'), /demo data, not live prices/);
  await p.close();
});

test('keyboard only; tiny amounts; another tab of the same browser follows', { timeout: 60000 }, async () => {
  const p = await openFresh();
  await p.focus('#pf-symbol');
  await p.keyboard.type('eth');
  await p.keyboard.press('Tab');
  await p.keyboard.type('0.000000015');
  await p.keyboard.press('Enter');
  await waitFor(async () => (await cell(p, 'ETH', 'pf-amount')) === '0.000000015', { what: 'saved with Enter, shown whole' });
  assert.equal(await p.evaluate(() => document.activeElement.id), 'pf-symbol', 'ready for the next one');
  await p.keyboard.type('x-y');
  await p.keyboard.press('Enter');
  assert.equal(await p.getAttribute('#pf-symbol', 'aria-describedby'), 'pf-error');
  // the row's buttons are reachable and named
  await p.focus('#pf-rows tr[data-symbol="ETH"] button[data-action="edit"]');
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Edit ETH');
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Remove ETH');
  // the file input is in the tab order after Export (its label looks like a button)
  await p.evaluate(() => { document.getElementById('pf-export').focus(); });
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'pf-import');

  const other = await env.browser.newPage();
  await other.goto(`${env.broker.url}/?lang=en`);
  await ready(other);
  await waitFor(async () => (await cell(other, 'ETH', 'pf-amount')) === '0.000000015', { what: 'the second tab reads it' });
  await addHolding(p, { symbol: 'BTC', amount: '2' });
  await waitFor(async () => (await cell(other, 'BTC', 'pf-amount')) === '2', { what: 'the second tab follows a change' });
  await other.close();
  await p.close();
});

test('Persian: digits typed and shown, toman, and the holdings kept across a reload', { timeout: 60000 }, async () => {
  const p = await openFresh('?lang=fa');
  await publish(env.pub, 'crypto/prices/BTC', 'price_update', priceData('BTC', 97000.5), { qos: 0 });
  await waitFor(() => p.evaluate(() => document.querySelector('#price-rows tr[data-symbol="BTC"] .price-usd').textContent === '$۹۷٬۰۰۰٫۵۰'), { what: 'BTC back at 97000.5' });
  await addHolding(p, { symbol: 'BTC', amount: '۱۲٫۵', buyIrt: '۵٬۰۰۰٬۰۰۰٬۰۰۰' });
  await waitFor(async () => (await cell(p, 'BTC', 'pf-amount')) === '۱۲٫۵', { what: 'amount in Persian digits' });
  assert.deepEqual(JSON.parse(await stored(p)).holdings, [{ symbol: 'BTC', amount: 12.5, buy_irt: 5e9 }], 'stored as plain numbers');
  // 12.5 × 97000.5 × 60000 toman; bought for 12.5 × 5e9 (Intl puts an LRM before the sign)
  assert.equal(await cell(p, 'BTC', 'pf-value-irt'), '۷۲٬۷۵۰٬۳۷۵٬۰۰۰');
  assert.equal(await cell(p, 'BTC', 'pf-pl'), '\u200e+۱۰٬۲۵۰٬۳۷۵٬۰۰۰ تومان (\u200e+۱۶٫۴۰٪)');
  assert.equal(await p.getAttribute('#pf-chart', 'aria-label'), 'سهم هر دارایی از کل: BTC ۱۰۰٫۰۰٪');
  assert.equal(await p.textContent('#pf-status'), 'BTC ذخیره شد.');
  await addHolding(p, { symbol: 'BTC', amount: '۱۲,۵' });
  assert.match(await p.textContent('#pf-error'), /^مقدار باید عددی بزرگ‌تر از صفر باشد/);
  const dir = await p.evaluate(() => getComputedStyle(document.querySelector('#pf-rows tr[data-symbol="BTC"] .pf-value-usd bdi')).direction);
  assert.equal(dir, 'ltr', 'a «$» figure stays whole in RTL');
  await screenshot(p, 'portfolio-fa');

  await p.reload();
  await ready(p);
  await waitFor(async () => (await cell(p, 'BTC', 'pf-value-irt')) === '۷۲٬۷۵۰٬۳۷۵٬۰۰۰', { what: 'kept across the reload' });
  assert.equal(await cell(p, 'BTC', 'pf-amount'), '۱۲٫۵');
  await p.close();
});

test('export, clear, import: a round trip; bad files refused and nothing lost', { timeout: 60000 }, async () => {
  const p = await openFresh();
  await addHolding(p, { symbol: 'BTC', amount: '0.25', buyUsd: '50000', buyIrt: '3000000000' });
  await addHolding(p, { symbol: 'ETH', amount: '3.5' });
  await waitFor(async () => (await cell(p, 'ETH', 'pf-amount')) === '3.5', { what: 'two holdings' });
  const before = JSON.parse(await stored(p)).holdings;

  const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#pf-export')]);
  assert.match(dl.suggestedFilename(), /^nabz-portfolio-\d{4}-\d{2}-\d{2}\.json$/);
  const file = fs.readFileSync(await dl.path(), 'utf8');
  assert.deepEqual(JSON.parse(file).holdings, before);
  assert.equal(JSON.parse(file).version, 1);

  // clear all asks first: dismissed, nothing goes
  p.once('dialog', (d) => d.dismiss());
  await p.click('#pf-clear');
  assert.deepEqual(JSON.parse(await stored(p)).holdings, before);
  p.once('dialog', (d) => d.accept());
  await p.click('#pf-clear');
  await waitFor(async () => (await stored(p)) === null && (await p.isVisible('#pf-empty')), { what: 'cleared' });

  await p.setInputFiles('#pf-import', { name: 'back.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await waitFor(async () => (await cell(p, 'ETH', 'pf-amount')) === '3.5', { what: 'imported' });
  assert.deepEqual(JSON.parse(await stored(p)).holdings, before);
  assert.equal(await p.textContent('#pf-status'), '2 holding(s) imported.');

  // bad files: each says why; the holdings and the stored text are untouched
  const storedBefore = await stored(p);
  const bad = [
    ['not json {', /not JSON/],
    [JSON.stringify({ version: 2, holdings: [] }), /newer version/],
    [JSON.stringify({ version: 1, holdings: [{ symbol: 'SOL', amount: 1 }, { symbol: 'SOL', amount: -1 }] }), /Holding 2 in that file/],
    [JSON.stringify({ hello: 'world' }), /not a nabz portfolio/],
    ['x'.repeat(300 * 1024), /too large/],
  ];
  for (const [text, want] of bad) {
    await p.evaluate(() => { document.getElementById('pf-error').textContent = ''; });
    await p.setInputFiles('#pf-import', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await waitFor(async () => want.test(await p.textContent('#pf-error')), { what: `refusal ${want}` });
    assert.equal(await stored(p), storedBefore);
    assert.equal(await p.locator('#pf-rows tr').count(), 2);
  }

  // importing over holdings asks first; dismissed, nothing changes
  const other = JSON.stringify({ version: 1, holdings: [{ symbol: 'SOL', amount: 7 }] });
  p.once('dialog', (d) => d.dismiss());
  await p.setInputFiles('#pf-import', { name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(other) });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await stored(p), storedBefore);
  await p.close();
});

test('stored data that cannot be read is refused, shown, and left as it is', { timeout: 60000 }, async () => {
  const p = await openFresh();
  for (const [raw, want] of [['{garbage', /cannot be read/], [JSON.stringify({ version: 9, holdings: [] }), /newer version/]]) {
    await p.evaluate(([k, v]) => localStorage.setItem(k, v), [KEY, raw]);
    await p.reload();
    await ready(p);
    assert.equal(await p.isVisible('#pf-refused'), true);
    assert.match(await p.textContent('#pf-refused p'), want);
    assert.equal(await p.isDisabled('#pf-save'), true, 'no writes over it');
    assert.equal(await p.isDisabled('#pf-import'), true);
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#pf-download-raw')]);
    assert.equal(fs.readFileSync(await dl.path(), 'utf8'), raw, 'the stored text can be taken away');
    assert.equal(await stored(p), raw);
  }
  // clear all (confirmed) is the way out
  p.once('dialog', (d) => d.accept());
  await p.click('#pf-clear');
  await waitFor(async () => (await stored(p)) === null && !(await p.isVisible('#pf-refused')), { what: 'started over' });
  assert.equal(await p.isDisabled('#pf-save'), false);
  await p.close();
});

/* ---- the wire check ------------------------------------------------------ */

function varint(buf, at) {
  let n = 0;
  let mul = 1;
  for (let i = 0; i < 4; i++) {
    const b = buf[at + i];
    n += (b & 127) * mul;
    if (!(b & 128)) return [n, at + i + 1];
    mul *= 128;
  }
  throw new Error('bad remaining length');
}

/* The MQTT packets in a byte stream (the page's frames, in order). */
function mqttPackets(stream) {
  const out = [];
  let at = 0;
  let v5 = false;
  while (at < stream.length) {
    const type = stream[at] >> 4;
    const flags = stream[at] & 15;
    const [len, body] = varint(stream, at + 1);
    const p = stream.subarray(body, body + len);
    if (type === 1) v5 = p[6] === 5;                  // CONNECT: protocol level after "\0\4MQTT"
    if (type === 3) {
      const tlen = p.readUInt16BE(0);
      let i = 2 + tlen + (((flags >> 1) & 3) ? 2 : 0);
      if (v5) { const [plen, next] = varint(p, i); i = next + plen; }
      out.push({ type, topic: p.subarray(2, 2 + tlen).toString('utf8'), payload: p.subarray(i).toString('utf8') });
    } else {
      out.push({ type });
    }
    at = body + len;
  }
  return out;
}

test('the wire check: nothing about the holdings leaves the page', { timeout: 90000 }, async () => {
  const p = await env.browser.newPage();
  const sent = [];
  const received = [];
  const sockets = [];
  const requests = [];
  p.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('framesent', (f) => sent.push(Buffer.from(f.payload)));
    ws.on('framereceived', (f) => received.push(Buffer.from(f.payload)));
  });
  p.on('request', (r) => requests.push(r.url()));
  await openFresh('?lang=en', p);

  // distinctive figures and a symbol no one publishes
  await addHolding(p, { symbol: 'ZQXW', amount: '123.456789', buyUsd: '4242.4242' });
  await addHolding(p, { symbol: 'BTC', amount: '0.987654321', buyIrt: '7777777777' });
  await waitFor(async () => (await cell(p, 'ZQXW', 'pf-amount')) === '123.456789', { what: 'holdings in' });
  await p.click('#pf-rows tr[data-symbol="BTC"] button[data-action="edit"]');
  await p.fill('#pf-amount', '0.31415926');
  await p.click('#pf-save');
  await waitFor(async () => (await cell(p, 'BTC', 'pf-amount')) === '0.31415926', { what: 'edited' });
  await Promise.all([p.waitForEvent('download'), p.click('#pf-export')]);
  // a reconnect sends hello and the subscriptions again: they must stay clean too
  await p.evaluate(() => window.wsClient.mqtt.stream.destroy());
  await waitFor(() => p.evaluate(() => window.wsClient.isConnected()), { what: 'reconnected' });
  await publish(env.pub, 'crypto/prices/BTC', 'price_update', priceData('BTC', 98000), { qos: 0 });
  await new Promise((r) => setTimeout(r, 1500));   // anything sent late is caught too

  const needles = ['123.456789', '4242.4242', '0.987654321', '7777777777', '0.31415926', 'ZQXW', 'portfolio', 'holding', 'buy_usd', 'buy_irt'];
  const stream = Buffer.concat(sent);
  assert.ok(stream.length > 0, 'frames were recorded');
  for (const n of needles) {
    assert.equal(stream.includes(Buffer.from(n)), false, `«${n}» in a frame the page sent`);
    assert.equal(received.some((b) => b.includes(Buffer.from(n))), false, `«${n}» in a frame the page received`);
  }
  // every PUBLISH the page sent is a control command it always sends
  const publishes = mqttPackets(stream).filter((x) => x.type === 3);
  assert.ok(publishes.some((x) => /"command":"hello"/.test(x.payload)), 'the hello was decoded (the check is not vacuous)');
  for (const x of publishes) {
    assert.equal(x.topic, '$CONTROL/nabz/v1', x.topic);
    for (const c of JSON.parse(x.payload).commands) {
      // each command carries its own fields and nothing more (a count of holdings is about them too)
      const fields = { hello: ['client_type', 'command', 'metadata', 'user_id'], getStats: ['command', 'correlationData'] }[c.command];
      assert.ok(fields, JSON.stringify(c));
      assert.ok(Object.keys(c).every((k) => fields.includes(k)), JSON.stringify(c));
      if (c.metadata) assert.deepEqual(Object.keys(c.metadata).sort(), ['lang', 'page', 'title'], JSON.stringify(c.metadata));
      for (const n of needles) assert.equal(JSON.stringify(c).includes(n), false, JSON.stringify(c));
    }
  }
  // the broker's own WebSocket and the page's own files; the export is a blob
  const origin = new URL(env.broker.url);
  assert.ok(sockets.length >= 2 && sockets.every((u) => new URL(u).host === origin.host), JSON.stringify(sockets));
  const foreign = requests.filter((u) => !(u.startsWith(env.broker.url + '/') || u.startsWith('blob:' + env.broker.url + '/')));
  assert.deepEqual(foreign, [], 'no request leaves for anywhere else');
  const paths = requests.filter((u) => u.startsWith(env.broker.url)).map((u) => new URL(u).pathname);
  assert.ok(paths.every((x) => x === '/' || x === '/favicon.ico' || x.startsWith('/static/')), JSON.stringify(paths));
  await p.close();
});

/* ---- accessibility of the panel's states ---------------------------------- */


async function axe(p) {
  await new Promise((r) => setTimeout(r, 1200));          // animations of the first fill are over
  await p.addScriptTag({ path: AXE });
  return p.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + (n.any[0] ? ' — ' + n.any[0].message : '')) }));
  });
}

for (const query of ['?lang=en&theme=light', '?lang=fa&theme=dark']) {
  test(`axe ${query}: the panel with holdings, P/L, a stale price and an error`, { timeout: 60000 }, async () => {
    const p = await openFresh(query);
    await addHolding(p, { symbol: 'BTC', amount: '0.5', buyUsd: '200000', buyIrt: '1000' });
    await addHolding(p, { symbol: 'SOL', amount: '2', buyUsd: '1' });
    await addHolding(p, { symbol: 'NOPE2', amount: '1' });
    await publish(env.pub, 'crypto/prices/SOL', 'price_update', priceData('SOL', 200, { price_irt: undefined, stale: true, age_s: 600 }), { qos: 0 });
    await waitFor(() => p.evaluate(() => document.querySelectorAll('#pf-rows .badge.stale').length === 1), { what: 'stale badge' });
    await addHolding(p, { symbol: 'ETH', amount: 'x' });
    assert.notEqual(await p.textContent('#pf-error'), '');
    const v = await axe(p);
    assert.deepEqual(v, [], JSON.stringify(v, null, 1));
    await screenshot(p, `portfolio-states-${query.slice(1).replace(/[=&]/g, '-')}`);
    await p.close();
  });
}

test('axe: stored data refused', { timeout: 60000 }, async () => {
  const p = await openFresh('?lang=fa&theme=light');
  await p.evaluate((k) => localStorage.setItem(k, '{garbage'), KEY);
  await p.reload();
  await ready(p);
  const v = await axe(p);
  assert.deepEqual(v, [], JSON.stringify(v, null, 1));
  await p.evaluate((k) => localStorage.removeItem(k), KEY);
  await p.close();
});
