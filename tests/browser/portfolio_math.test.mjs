// The portfolio's model (static/js/dashboard/portfolio-model.js) without a
// browser: input parsing with Persian digits, the stored/exported format
// and its refusals, and the valuation.
//   node --test tests/browser/portfolio_math.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseDecimal, normalizeSymbol, holdingFromInput, parsePortfolio, serializePortfolio,
  upsertHolding, valuePortfolio, plainNumber, MAX_HOLDINGS, FORMAT_VERSION,
} from '../../static/js/dashboard/portfolio-model.js';

test('decimals as people type them, Persian and Arabic-Indic digits included', () => {
  const good = [
    ['12.5', 12.5], ['۱۲٫۵', 12.5], ['١٢٫٥', 12.5], ['۱۲.۵', 12.5], [' 0.001 ', 0.001], ['.5', 0.5],
    ['123.456789', 123.456789], ['1,234.5', 1234.5], ['۱٬۲۳۴٫۵', 1234.5], ['1,234,567', 1234567],
    ['97000', 97000], ['1000000000000000', 1e15], [7, 7],
  ];
  for (const [text, want] of good) assert.equal(parseDecimal(text), want, JSON.stringify(text));
  const bad = ['', ' ', '0', '0.0', '-1', '+1', '1e3', '1,5', '12,34', '1.2.3', '12.', 'abc', '۱۲a', 'NaN',
    'Infinity', '1000000000000001', '1'.repeat(41), '1 000', null, undefined, {}, -3, 0];
  for (const text of bad) assert.equal(parseDecimal(text), null, JSON.stringify(text));
});

test('symbols: trimmed, upper-cased, [A-Z0-9]{1,15}', () => {
  assert.equal(normalizeSymbol(' btc '), 'BTC');
  assert.equal(normalizeSymbol('1INCH'), '1INCH');
  assert.equal(normalizeSymbol('A'.repeat(15)), 'A'.repeat(15));
  for (const s of ['', 'A'.repeat(16), 'BTC-USD', 'B TC', 'بیت', '$BTC', 'btc/', null, 42]) {
    assert.equal(normalizeSymbol(s), null, JSON.stringify(s));
  }
});

test('the form: each bad field named, optional buy prices', () => {
  assert.deepEqual(holdingFromInput({ symbol: 'eth', amount: '۲٫۵', buyUsd: '', buyIrt: '' }).holding, { symbol: 'ETH', amount: 2.5 });
  assert.deepEqual(holdingFromInput({ symbol: 'BTC', amount: '0.5', buyUsd: '60000', buyIrt: '۳٬۰۰۰٬۰۰۰٬۰۰۰' }).holding,
    { symbol: 'BTC', amount: 0.5, buy_usd: 60000, buy_irt: 3e9 });
  assert.deepEqual(holdingFromInput({ symbol: 'BT-C', amount: '1' }), { error: 'pf_err_symbol', field: 'symbol' });
  assert.deepEqual(holdingFromInput({ symbol: 'BTC', amount: '0' }), { error: 'pf_err_amount', field: 'amount' });
  assert.deepEqual(holdingFromInput({ symbol: 'BTC', amount: '1', buyUsd: '-5' }), { error: 'pf_err_buy', field: 'buyUsd' });
  assert.deepEqual(holdingFromInput({ symbol: 'BTC', amount: '1', buyIrt: 'x' }), { error: 'pf_err_buy', field: 'buyIrt' });
});

test('stored/exported format: round trip, all or nothing, newer versions refused', () => {
  const holdings = [{ symbol: 'BTC', amount: 123.456789, buy_usd: 50000 }, { symbol: 'ETH', amount: 2, buy_irt: 1.5e8 }];
  const text = serializePortfolio(holdings, new Date('2026-01-02T03:04:05Z'));
  assert.equal(JSON.parse(text).version, FORMAT_VERSION);
  assert.deepEqual(parsePortfolio(text), { holdings });
  // unknown fields are dropped, not kept
  assert.deepEqual(parsePortfolio(JSON.stringify({ version: 1, holdings: [{ symbol: 'SOL', amount: 1, note: 'x' }] })),
    { holdings: [{ symbol: 'SOL', amount: 1 }] });
  const cases = [
    ['{', 'pf_err_file_json'], ['', 'pf_err_file_json'], ['null', 'pf_err_file_shape'], ['[]', 'pf_err_file_shape'],
    ['{"holdings":[]}', 'pf_err_file_shape'], ['{"version":"1","holdings":[]}', 'pf_err_file_shape'],
    ['{"version":2,"holdings":[]}', 'pf_err_file_newer'], ['{"version":0,"holdings":[]}', 'pf_err_file_shape'],
    ['{"version":1}', 'pf_err_file_shape'], ['{"version":1,"holdings":{}}', 'pf_err_file_shape'],
    ['x'.repeat(300 * 1024), 'pf_err_file_big'],
  ];
  for (const [t, want] of cases) assert.equal(parsePortfolio(t).error, want, t.slice(0, 40));
  const rows = [
    { symbol: 'btc', amount: 1 }, { symbol: 'BTC', amount: 0 }, { symbol: 'BTC', amount: '1' }, { symbol: 'BTC', amount: -1 },
    { symbol: 'BTC', amount: 1, buy_usd: 0 }, { symbol: 'BTC', amount: 1, buy_irt: 'x' }, { symbol: 'BTC' }, 'BTC', null, [],
  ];
  for (const r of rows) {
    const got = parsePortfolio(JSON.stringify({ version: 1, holdings: [{ symbol: 'ETH', amount: 1 }, r] }));
    assert.deepEqual(got, { error: 'pf_err_file_shape', row: 2 }, JSON.stringify(r));
  }
  assert.deepEqual(parsePortfolio(JSON.stringify({ version: 1, holdings: [{ symbol: 'ETH', amount: 1 }, { symbol: 'ETH', amount: 2 }] })),
    { error: 'pf_err_file_shape', row: 2 }, 'a repeated symbol');
  const many = Array.from({ length: MAX_HOLDINGS + 1 }, (_, i) => ({ symbol: 'S' + i, amount: 1 }));
  assert.equal(parsePortfolio(JSON.stringify({ version: 1, holdings: many })).error, 'pf_err_full');
});

test('upsert: a symbol once, replaced in place; capped', () => {
  const a = [{ symbol: 'BTC', amount: 1 }, { symbol: 'ETH', amount: 2 }];
  assert.deepEqual(upsertHolding(a, { symbol: 'BTC', amount: 3 }).holdings, [{ symbol: 'BTC', amount: 3 }, { symbol: 'ETH', amount: 2 }]);
  assert.deepEqual(upsertHolding(a, { symbol: 'SOL', amount: 1 }).holdings.map((h) => h.symbol), ['BTC', 'ETH', 'SOL']);
  assert.deepEqual(a, [{ symbol: 'BTC', amount: 1 }, { symbol: 'ETH', amount: 2 }], 'the input is not changed');
  const full = Array.from({ length: MAX_HOLDINGS }, (_, i) => ({ symbol: 'S' + i, amount: 1 }));
  assert.deepEqual(upsertHolding(full, { symbol: 'NEW', amount: 1 }), { error: 'pf_err_full' });
  assert.equal(upsertHolding(full, { symbol: 'S5', amount: 9 }).holdings[5].amount, 9);
});

const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('valuation: value, toman, P/L, shares, totals', () => {
  const prices = new Map([
    ['BTC', { price_usd: 100000, price_irt: 6e9, stale: false, demo: false }],
    ['ETH', { price_usd: 4000, stale: true, demo: false }],            // no toman price of its own
    ['SOL', { price_usd: 200, price_irt: 12e6, stale: false, demo: true }],
  ]);
  const holdings = [
    { symbol: 'BTC', amount: 0.5, buy_usd: 80000, buy_irt: 4e9 },
    { symbol: 'ETH', amount: 10, buy_usd: 5000 },
    { symbol: 'SOL', amount: 50 },
    { symbol: 'NOPE', amount: 3, buy_usd: 1 },
  ];
  const { rows, total } = valuePortfolio(holdings, prices, 60000);
  const [btc, eth, sol, nope] = rows;
  assert.equal(btc.value_usd, 50000);
  assert.equal(btc.value_irt, 3e9);
  assert.equal(btc.irt_derived, false);
  assert.equal(btc.pl_usd, 10000);
  close(btc.pl_usd_pct, 25);
  assert.equal(btc.pl_irt, 1e9);
  close(btc.pl_irt_pct, 50);
  assert.equal(eth.value_usd, 40000);
  assert.equal(eth.value_irt, 40000 * 60000, 'from the USDT → toman rate');
  assert.equal(eth.irt_derived, true);
  assert.equal(eth.pl_usd, -10000);
  close(eth.pl_usd_pct, -20);
  assert.equal(eth.pl_irt, null, 'no toman buy price, no toman P/L');
  assert.equal(eth.stale, true);
  assert.equal(sol.value_usd, 10000);
  assert.equal(sol.pl_usd, null);
  assert.equal(sol.demo, true);
  assert.equal(nope.value_usd, null);
  assert.equal(nope.share_pct, null);
  assert.equal(nope.pl_usd, null, 'no price, no P/L');
  close(btc.share_pct, 50);
  close(eth.share_pct, 40);
  close(sol.share_pct, 10);
  assert.equal(total.value_usd, 100000);
  assert.equal(total.value_irt, 3e9 + 2.4e9 + 6e8);
  assert.equal(total.irt_derived, true);
  assert.equal(total.pl_usd, 0);
  close(total.pl_usd_pct, 0);
  assert.equal(total.pl_irt, 1e9);
  assert.equal(total.unpriced, 1);
  assert.equal(total.stale, true);
  assert.equal(total.demo, true);
});

test('valuation without a toman rate: no toman figure is made up', () => {
  const prices = new Map([['BTC', { price_usd: 100, price_irt: 6e6 }], ['ETH', { price_usd: 10 }]]);
  const { rows, total } = valuePortfolio([{ symbol: 'BTC', amount: 1 }, { symbol: 'ETH', amount: 1 }], prices, null);
  assert.equal(rows[1].value_irt, null);
  assert.equal(total.value_irt, null, 'a partial toman total would mislead');
  assert.equal(total.value_usd, 110);
  const junk = new Map([['BTC', { price_usd: 'x', price_irt: -1 }]]);
  const v = valuePortfolio([{ symbol: 'BTC', amount: 1 }], junk, 60000);
  assert.equal(v.rows[0].value_usd, null);
  assert.equal(v.total.value_usd, null);
  assert.deepEqual(valuePortfolio([], new Map(), null).total.value_usd, null);
});

test('a stored number back in the form reads as the same number', () => {
  for (const n of [1e-7, 0.00000001, 123.456789, 1e15, 12.5, 97000.5, 0.1 + 0.2, 1 / 3]) {
    const text = plainNumber(n);
    assert.match(text, /^\d+(\.\d+)?$/, `${n} → ${text}`);
    assert.equal(parseDecimal(text), n, `${n} → ${text}`);
  }
});
