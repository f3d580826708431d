/*
 * The trading-signals panel: the current state of each symbol x indicator
 * x time frame the bridge computes (crypto/signals/recent, retained, so a
 * page opened now shows them at once) and each change as it happens
 * (crypto/signals, QoS 1). A signal is an indicator, not advice: the
 * panel says so in its own words above the table, in both languages.
 */
import { t, getLang, fmtInt, fmtTime, fmtDateTime } from './i18n.js';
import { $, el } from './dom.js';

/* At most this many rows: every watched symbol's four states, with room. */
export const MAX_SIGNALS = 200;
const SYMBOL = /^[A-Za-z0-9._-]{1,32}$/;
const INDICATORS = ['ma_cross', 'rsi'];
const TIMEFRAMES = ['1m', '1h'];
const DIRECTIONS = ['bullish', 'bearish', 'overbought', 'oversold', 'neutral'];

/* A payload's entry, checked: anything else is dropped, never shown half. */
function valid(d) {
  return d && typeof d === 'object' && typeof d.symbol === 'string' && SYMBOL.test(d.symbol) &&
    INDICATORS.includes(d.indicator) && TIMEFRAMES.includes(d.timeframe) &&
    DIRECTIONS.includes(d.direction) && typeof d.value === 'number' && isFinite(d.value);
}

function fmtValue(d) {
  const locale = getLang() === 'fa' ? 'fa-IR' : 'en-US';
  // RSI to a tenth; the crossover's value is the gap between the fast and
  // the slow average, in dollars, signed
  const opts = d.indicator === 'rsi' ? { maximumFractionDigits: 1 } : { maximumSignificantDigits: 4, signDisplay: 'exceptZero' };
  return new Intl.NumberFormat(locale, opts).format(d.value);
}

/* The indicator with its parameters (the bridge's config may change them). */
function indicatorName(d) {
  const p = d.params && typeof d.params === 'object' ? d.params : {};
  const num = (v, dflt) => fmtInt(typeof v === 'number' && isFinite(v) ? v : dflt);
  return d.indicator === 'rsi' ? t('ind_rsi', { n: num(p.period, 14) })
    : t('ind_ma_cross', { f: num(p.fast, 9), s: num(p.slow, 21) });
}

export class Signals {
  constructor() {
    this.rows = $('signal-rows');
    this.empty = $('signals-empty');
    this.announce = $('signals-announce');
    this.states = new Map();        // "SYM/indicator/tf" -> { d, ts, fresh }
  }
  key(d) { return d.symbol + '/' + d.indicator + '/' + d.timeframe; }
  /* crypto/signals/recent: every current state, replacing what was shown. */
  recent(msg) {
    const list = msg && msg.data && Array.isArray(msg.data.signals) ? msg.data.signals : [];
    const next = new Map();
    list.filter(valid).slice(0, MAX_SIGNALS).forEach((d) => {
      const old = this.states.get(this.key(d));
      next.set(this.key(d), { d, ts: d.candle_ts || msg.ts, fresh: !!(old && old.fresh && old.d.direction === d.direction) });
    });
    this.states = next;
    this.repaint();
  }
  /* crypto/signals: one change, shown at once and announced. */
  update(msg) {
    const d = msg && msg.data;
    if (!valid(d)) return;
    this.states.forEach((s) => { s.fresh = false; });
    this.states.set(this.key(d), { d, ts: msg.ts, fresh: true });
    while (this.states.size > MAX_SIGNALS) this.states.delete(this.states.keys().next().value);
    this.repaint();
    if (this.announce) {
      this.announce.textContent = t('signal_announce', {
        s: d.symbol, i: indicatorName(d), tf: t('tf_' + d.timeframe), d: t('dir_' + d.direction),
      });
    }
  }
  repaint() {
    const sorted = [...this.states.values()].sort((a, b) => this.key(a.d).localeCompare(this.key(b.d)));
    this.rows.replaceChildren(...sorted.map((s) => this.row(s)));
    this.empty.hidden = sorted.length > 0;
  }
  row(s) {
    const d = s.d;
    const tr = el('tr', s.fresh ? 'signal-row fresh' : 'signal-row');
    const sym = el('th', 'symbol', d.symbol);
    sym.scope = 'row';
    sym.setAttribute('dir', 'ltr');
    const dir = el('span', 'signal-dir ' + d.direction, t('dir_' + d.direction));
    const dirCell = el('td');
    dirCell.append(dir);
    if (d.source === 'demo') dirCell.append(' ', el('span', 'badge demo', t('demo_badge')));
    const value = el('td', 'num', fmtValue(d));
    const time = el('td');
    const tm = el('time', null, d.timeframe === '1h' ? fmtDateTime(s.ts) : fmtTime(s.ts));
    if (typeof s.ts === 'string') tm.dateTime = s.ts;
    time.append(tm);
    tr.append(sym, el('td', null, indicatorName(d)), el('td', null, t('tf_' + d.timeframe)), dirCell, value, time);
    return tr;
  }
}
