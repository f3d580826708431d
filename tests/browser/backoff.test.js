// The reconnect schedule and the pure helpers of static/js/websocket-client.js,
// without a browser:
//   node --test tests/browser/backoff.test.js
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const Client = require('../../static/js/websocket-client.js');

const { backoffDelay } = Client;

test('the ceiling doubles per attempt up to the cap', () => {
  const almostOne = () => 0.999999;
  const got = [];
  for (let n = 0; n < 10; n++) got.push(backoffDelay(n, 1000, 30000, almostOne));
  assert.deepEqual(got, [999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999, 29999]);
});

test('bounded: never negative, never at or past the cap, whatever the attempt', () => {
  for (const n of [0, 1, 5, 31, 64, 1e6, -3, NaN]) {
    for (const r of [0, 0.5, 0.999999]) {
      const d = backoffDelay(n, 1000, 30000, () => r);
      assert.ok(Number.isInteger(d) && d >= 0 && d < 30000, `attempt ${n} r ${r}: ${d}`);
    }
  }
  // A broken random source still gives a bounded delay.
  for (const r of [1, 2, -1, NaN]) {
    const d = backoffDelay(4, 1000, 30000, () => r);
    assert.ok(d >= 0 && d < 16000, `r ${r}: ${d}`);
  }
});

test('full jitter: delays spread over [0, ceiling), not bunched', () => {
  // 10,000 tabs at their 4th retry (ceiling 16 s) after a broker restart.
  const ceiling = 16000;
  const buckets = new Array(8).fill(0);
  const delays = [];
  for (let i = 0; i < 10000; i++) {
    const d = backoffDelay(4, 1000, 30000);
    assert.ok(d >= 0 && d < ceiling);
    delays.push(d);
    buckets[Math.floor(d / (ceiling / 8))]++;
  }
  // Each eighth of the window gets about 1250; none is empty or crowded.
  for (const b of buckets) assert.ok(b > 1000 && b < 1500, `buckets ${buckets}`);
  // No instant sees more than a sliver of the tabs at once.
  const perSecond = new Array(16).fill(0);
  for (const d of delays) perSecond[Math.floor(d / 1000)]++;
  assert.ok(Math.max(...perSecond) < 800, `per second ${perSecond}`);
  assert.ok(new Set(delays).size > 5000, 'delays are distinct, not lock-step');
});

test('the client reconnects on that schedule and resets it on connect', async () => {
  // A fake MQTT.js: every connect fails at once, until "up" is set.
  let up = false;
  const fakeMqtt = {
    connect() {
      const handlers = {};
      const c = {
        on(ev, fn) { handlers[ev] = fn; return c; },
        subscribe(f) { c.subscribed = f; }, publish() {}, unsubscribe() {}, end() {},
      };
      setImmediate(() => (up ? handlers.connect() : handlers.close()));
      return c;
    },
  };
  const delays = [];
  const client = new Client('ws://127.0.0.1:1/mqtt', {
    mqttLib: fakeMqtt, bindDom: false, backoff: { baseMs: 4, maxMs: 32 }, random: () => 0.999,
    groups: ['prices'],
  });
  client.on('reconnecting', (m) => delays.push(m.data.delay_ms));
  await new Promise((resolve) => {
    client.on('reconnecting', () => { if (delays.length === 7) { up = true; resolve(); } });
  });
  await new Promise((resolve) => client.on('connected', resolve));
  assert.deepEqual(delays, [3, 7, 15, 31, 31, 31, 31]);
  assert.equal(client.attempt, 0);
  assert.deepEqual(client.mqtt.subscribed, ['crypto/prices/+']);
  client.close();
});

test('groups map to topic filters and back', () => {
  assert.equal(Client.groupFilter('crypto', 'all'), 'crypto/#');
  assert.equal(Client.groupFilter('crypto', 'prices'), 'crypto/prices/+');
  assert.equal(Client.groupFilter('crypto', 'prices/btc'), 'crypto/prices/BTC');
  assert.equal(Client.groupFilter('x', 'alerts'), 'x/alerts');
  assert.throws(() => Client.groupFilter('crypto', 'nope'));
  assert.throws(() => Client.groupFilter('crypto', 'prices/#'));
  assert.equal(Client.topicGroup('crypto', 'crypto/prices/ETH'), 'prices');
  assert.equal(Client.topicGroup('crypto', 'crypto/stats'), 'stats');
  assert.equal(Client.topicGroup('crypto', 'other/stats'), null);
});

test("age: the bridge's age_s plus the time since publish, else since source_ts", () => {
  const now = Date.parse('2026-01-01T00:01:00.000Z');
  assert.equal(Client.dataAge({ source_ts: '2026-01-01T00:00:00.000Z' }, now), 60);
  assert.equal(Client.dataAge({ age_s: 7 }, now), 7);
  // A retained value published 30 s ago, 7 s old then, with an old source stamp.
  assert.equal(Client.dataAge({ age_s: 7, source_ts: '2025-12-31T00:00:00.000Z' }, now, '2026-01-01T00:00:30.000Z'), 37);
  assert.equal(Client.dataAge({ age_s: 7 }, now, 'junk'), 7);
  assert.equal(Client.dataAge({}, now), null);
  assert.equal(Client.dataAge(null, now), null);
});
