/*
 * The portfolio's model, without the DOM: reading what a person types
 * (Persian digits included), the stored and exported file format, and the
 * valuation (value in USD and toman, profit/loss, share of the total).
 * Pure functions, so node --test checks them without a browser
 * (tests/browser/portfolio_math.test.mjs); portfolio.js draws them.
 *
 * Holdings never leave the device: nothing here talks to the network, and
 * portfolio.js only reads prices the page already receives.
 */

export const STORE_KEY = 'nabz.portfolio.v1';
export const FORMAT_VERSION = 1;
export const MAX_HOLDINGS = 100;
export const MAX_FILE_BYTES = 256 * 1024;   // an export of 100 holdings is ~10 KiB
const MAX_NUMBER = 1e15;                     // above any amount or toman price a person holds
const MAX_INPUT_CHARS = 40;

const SYMBOL = /^[A-Z0-9]{1,15}$/;

/* Persian (U+06F0…) and Arabic-Indic (U+0660…) digits to ASCII. */
function asciiDigits(s) {
  return s.replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06F0))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

/*
 * A positive decimal as typed: «۱۲٫۵», "12.5", "1,234.5", «۱٬۲۳۴٫۵».
 * Group separators (",", «٬») are taken only in groups of three, so
 * "1,5" (a decimal comma elsewhere) is refused rather than read as 15.
 * Returns the number, or null for anything else (empty, signs, exponents,
 * zero, above 1e15).
 */
export function parseDecimal(text) {
  if (typeof text !== 'string' && typeof text !== 'number') return null;
  let s = asciiDigits(String(text).trim()).replace(/\u066B/g, '.').replace(/\u066C/g, ',');
  if (s.length === 0 || s.length > MAX_INPUT_CHARS) return null;
  if (s.includes(',')) {
    if (!/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return null;
    s = s.replace(/,/g, '');
  }
  if (!/^(\d+(\.\d+)?|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return isFinite(n) && n > 0 && n <= MAX_NUMBER ? n : null;
}

/* A number as the form shows it for editing: plain digits, never an
 * exponent (String(1e-7) is "1e-7", which parseDecimal refuses). */
export function plainNumber(n) {
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/* "btc " → "BTC"; null unless 1–15 of A–Z, 0–9. */
export function normalizeSymbol(text) {
  if (typeof text !== 'string') return null;
  const s = asciiDigits(text.trim()).toUpperCase();
  return SYMBOL.test(s) ? s : null;
}

/*
 * A holding from the form's texts: {symbol, amount, buy_usd?, buy_irt?}.
 * Returns {holding} or {error, field}: error is an i18n key naming what is
 * wrong, field the input to mark.
 */
export function holdingFromInput({ symbol, amount, buyUsd, buyIrt }) {
  const sym = normalizeSymbol(symbol || '');
  if (!sym) return { error: 'pf_err_symbol', field: 'symbol' };
  const n = parseDecimal(amount || '');
  if (n === null) return { error: 'pf_err_amount', field: 'amount' };
  const holding = { symbol: sym, amount: n };
  for (const [text, key, field] of [[buyUsd, 'buy_usd', 'buyUsd'], [buyIrt, 'buy_irt', 'buyIrt']]) {
    if (text === undefined || String(text).trim() === '') continue;
    const p = parseDecimal(text);
    if (p === null) return { error: 'pf_err_buy', field };
    holding[key] = p;
  }
  return { holding };
}

function validNumber(v) {
  return typeof v === 'number' && isFinite(v) && v > 0 && v <= MAX_NUMBER;
}

/* A stored or imported holding, checked field by field; extra fields are
 * dropped. null if it is not one. */
function checkHolding(h) {
  if (!h || typeof h !== 'object' || Array.isArray(h)) return null;
  if (typeof h.symbol !== 'string' || !SYMBOL.test(h.symbol)) return null;
  if (!validNumber(h.amount)) return null;
  const out = { symbol: h.symbol, amount: h.amount };
  for (const k of ['buy_usd', 'buy_irt']) {
    if (h[k] === undefined || h[k] === null) continue;
    if (!validNumber(h[k])) return null;
    out[k] = h[k];
  }
  return out;
}

/*
 * The stored text or an imported file to holdings. Returns {holdings} or
 * {error} with an i18n key: pf_err_file_json (not JSON), pf_err_file_newer
 * (written by a later format: refused, never rewritten), pf_err_file_shape
 * (not a portfolio, with row: the first bad holding, 1-based), or
 * pf_err_file_big. All or nothing: one bad row refuses the whole file.
 */
export function parsePortfolio(text) {
  if (typeof text !== 'string') return { error: 'pf_err_file_json' };
  if (text.length > MAX_FILE_BYTES) return { error: 'pf_err_file_big' };
  let doc;
  try { doc = JSON.parse(text); } catch (e) { return { error: 'pf_err_file_json' }; }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || typeof doc.version !== 'number') {
    return { error: 'pf_err_file_shape', row: 0 };
  }
  if (doc.version > FORMAT_VERSION) return { error: 'pf_err_file_newer' };
  if (doc.version !== FORMAT_VERSION || !Array.isArray(doc.holdings)) return { error: 'pf_err_file_shape', row: 0 };
  if (doc.holdings.length > MAX_HOLDINGS) return { error: 'pf_err_full' };
  const seen = new Set();
  const holdings = [];
  for (let i = 0; i < doc.holdings.length; i++) {
    const h = checkHolding(doc.holdings[i]);
    if (!h || seen.has(h.symbol)) return { error: 'pf_err_file_shape', row: i + 1 };
    seen.add(h.symbol);
    holdings.push(h);
  }
  return { holdings };
}

/* The one format for both localStorage and the exported file. */
export function serializePortfolio(holdings, now = new Date()) {
  return JSON.stringify({ format: 'nabz-portfolio', version: FORMAT_VERSION, saved_at: now.toISOString(), holdings }, null, 1);
}

/* holdings with h put in place of the same symbol's, or added at the end.
 * Returns {holdings} or {error: 'pf_err_full'}. */
export function upsertHolding(holdings, h) {
  const i = holdings.findIndex((x) => x.symbol === h.symbol);
  if (i >= 0) return { holdings: holdings.map((x, j) => (j === i ? h : x)) };
  if (holdings.length >= MAX_HOLDINGS) return { error: 'pf_err_full' };
  return { holdings: [...holdings, h] };
}

function positive(v) { return typeof v === 'number' && isFinite(v) && v > 0; }

/*
 * Values every holding from the latest prices. prices: Map symbol →
 * {price_usd, price_irt, stale, demo}; usdtIrt: toman per USDT from the
 * market summary, or null.
 *
 * Toman: the price's own price_irt; without one, price_usd × usdtIrt,
 * flagged irt_derived (shown as an estimate); without either, null.
 * P/L against the buy price in the same currency, when one was given.
 * share_pct is of the USD total of the holdings that have a price; the
 * totals count those only (unpriced says how many were left out), and the
 * toman total is null unless every priced holding has a toman value.
 */
export function valuePortfolio(holdings, prices, usdtIrt) {
  const rows = holdings.map((h) => {
    const p = prices.get(h.symbol) || null;
    const priceUsd = p && positive(p.price_usd) ? p.price_usd : null;
    let priceIrt = p && positive(p.price_irt) ? p.price_irt : null;
    let irtDerived = false;
    if (priceIrt === null && priceUsd !== null && positive(usdtIrt)) {
      priceIrt = priceUsd * usdtIrt;
      irtDerived = true;
    }
    const valueUsd = priceUsd === null ? null : h.amount * priceUsd;
    const valueIrt = priceIrt === null ? null : h.amount * priceIrt;
    const row = {
      symbol: h.symbol, amount: h.amount, buy_usd: h.buy_usd ?? null, buy_irt: h.buy_irt ?? null,
      price_usd: priceUsd, price_irt: priceIrt, irt_derived: irtDerived,
      value_usd: valueUsd, value_irt: valueIrt,
      cost_usd: h.buy_usd ? h.amount * h.buy_usd : null,
      cost_irt: h.buy_irt ? h.amount * h.buy_irt : null,
      pl_usd: null, pl_usd_pct: null, pl_irt: null, pl_irt_pct: null, share_pct: null,
      stale: !!(p && p.stale), demo: !!(p && p.demo),
    };
    if (row.cost_usd !== null && valueUsd !== null) {
      row.pl_usd = valueUsd - row.cost_usd;
      row.pl_usd_pct = 100 * row.pl_usd / row.cost_usd;
    }
    if (row.cost_irt !== null && valueIrt !== null) {
      row.pl_irt = valueIrt - row.cost_irt;
      row.pl_irt_pct = 100 * row.pl_irt / row.cost_irt;
    }
    return row;
  });
  const priced = rows.filter((r) => r.value_usd !== null);
  const valueUsd = priced.reduce((a, r) => a + r.value_usd, 0);
  for (const r of priced) r.share_pct = valueUsd > 0 ? 100 * r.value_usd / valueUsd : null;
  const withIrt = priced.every((r) => r.value_irt !== null);
  const sum = (list, k) => list.reduce((a, r) => a + r[k], 0);
  const plUsdRows = rows.filter((r) => r.pl_usd !== null);
  const plIrtRows = rows.filter((r) => r.pl_irt !== null);
  const costUsd = sum(plUsdRows, 'cost_usd');
  const costIrt = sum(plIrtRows, 'cost_irt');
  const total = {
    value_usd: priced.length ? valueUsd : null,
    value_irt: priced.length && withIrt ? sum(priced, 'value_irt') : null,
    irt_derived: priced.some((r) => r.irt_derived),
    pl_usd: plUsdRows.length ? sum(plUsdRows, 'pl_usd') : null,
    pl_usd_pct: plUsdRows.length && costUsd > 0 ? 100 * sum(plUsdRows, 'pl_usd') / costUsd : null,
    pl_irt: plIrtRows.length ? sum(plIrtRows, 'pl_irt') : null,
    pl_irt_pct: plIrtRows.length && costIrt > 0 ? 100 * sum(plIrtRows, 'pl_irt') / costIrt : null,
    unpriced: rows.length - priced.length,
    stale: priced.some((r) => r.stale),
    demo: priced.some((r) => r.demo),
  };
  return { rows, total };
}
