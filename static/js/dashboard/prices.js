/*
 * The live price table: USD and toman, the 24 h change coloured, a flash
 * when a price moves, how many sources agree, an age / stale badge, and a
 * chart toggle per symbol.
 */
import { t, fmtUsd, fmtToman, fmtPct, fmtAge, fmtInt } from './i18n.js';
import { el } from './dom.js';

const ORDER = ['BTC', 'ETH', 'USDT', 'BNB', 'SOL', 'XRP', 'TON', 'DOGE', 'ADA', 'TRX'];
const MAX_ROWS = 200;   // a runaway publisher cannot grow the table forever
export const STALE_AFTER_S = 120;   // also the portfolio's (portfolio.js)

const SVG = 'http://www.w3.org/2000/svg';
function chartIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', '1,13 5,8 8,10 11,4 15,6');
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '2');
  line.setAttribute('stroke-linejoin', 'round');
  svg.append(line);
  return svg;
}

function rank(sym) {
  const i = ORDER.indexOf(sym);
  return i < 0 ? ORDER.length : i;
}

function restart(node, cls) {
  node.classList.remove('flash-up', 'flash-down');
  void node.offsetWidth;
  node.classList.add(cls);
}

export class PriceTable {
  constructor(tbody, emptyNote, { onToggleChart, isCharted }) {
    this.tbody = tbody;
    this.empty = emptyNote;
    this.rows = new Map();   // symbol -> {tr, cells, data, receivedAt}
    this.onToggleChart = onToggleChart;
    this.isCharted = isCharted;
  }

  row(sym) {
    let r = this.rows.get(sym);
    if (r) return r;
    if (this.rows.size >= MAX_ROWS) return null;
    const tr = el('tr');
    tr.dataset.symbol = sym;
    const cells = {
      symbol: el('th', 'symbol', sym),
      usd: el('td', 'num price-usd'),
      irt: el('td', 'num price-irt'),
      change: el('td', 'num change'),
      agree: el('td', 'opt agree'),
      age: el('td', 'age'),
      chart: el('td', 'opt chart-cell'),
    };
    cells.symbol.scope = 'row';
    cells.symbol.setAttribute('dir', 'ltr');
    const btn = el('button', 'chart-toggle');
    btn.type = 'button';
    btn.append(chartIcon());
    btn.addEventListener('click', () => this.onToggleChart(sym));
    cells.chart.append(btn);
    cells.button = btn;
    cells.badge = el('span', 'badge');
    cells.age.append(cells.badge);
    tr.append(cells.symbol, cells.usd, cells.irt, cells.change, cells.agree, cells.age, cells.chart);
    r = { tr, cells, data: null, receivedAt: 0, ageS: null };
    this.rows.set(sym, r);
    // Keep a stable order: the usual majors first, then alphabetical.
    let before = null;
    for (const other of this.tbody.children) {
      const o = other.dataset.symbol;
      if (rank(sym) < rank(o) || (rank(sym) === rank(o) && sym < o)) { before = other; break; }
    }
    this.tbody.insertBefore(tr, before);
    this.empty.hidden = true;
    this.paintToggle(sym);
    return r;
  }

  update(msg) {
    const d = msg.data;
    if (!d || typeof d.symbol !== 'string') return;
    const r = this.row(d.symbol);
    if (!r) return;
    const prev = r.data;
    r.data = d;
    r.receivedAt = Date.now();
    r.ageS = msg.age_s;
    this.paint(r);
    if (prev && typeof prev.price_usd === 'number' && typeof d.price_usd === 'number' && prev.price_usd !== d.price_usd) {
      restart(r.tr, d.price_usd > prev.price_usd ? 'flash-up' : 'flash-down');
    }
  }

  paint(r) {
    const d = r.data;
    const c = r.cells;
    c.usd.textContent = fmtUsd(d.price_usd);
    c.irt.textContent = fmtToman(d.price_irt);
    c.change.textContent = fmtPct(d.change_24h_pct, true);
    c.change.classList.toggle('up', d.change_24h_pct > 0);
    c.change.classList.toggle('down', d.change_24h_pct < 0);
    const n = d.sources && typeof d.sources === 'object' ? Object.keys(d.sources).length : null;
    const agreeing = typeof d.agreeing === 'number' ? d.agreeing : n;
    c.agree.textContent = agreeing == null ? '–' : t('agree_of', { a: fmtInt(agreeing), n: fmtInt(Math.max(n || 0, agreeing)) });
    c.agree.classList.toggle('divergent', d.divergent === true);
    c.agree.title = d.divergent ? t('divergent') : (d.source === 'demo' ? t('demo') : (d.sources ? Object.keys(d.sources).join(', ') : ''));
    this.paintAge(r);
  }

  /* The age badge; ages go on between updates, so a timer calls this. */
  paintAge(r) {
    if (!r.data) return;
    const age = (r.ageS || 0) + (Date.now() - r.receivedAt) / 1000;
    const stale = r.data.stale === true || age > STALE_AFTER_S;
    const b = r.cells.badge;
    // Recorded demo data is never called "live", however fresh.
    const demo = r.data.source === 'demo';
    const text = t('badge', { state: stale ? t('stale') : demo ? t('demo_badge') : t('live'), age: fmtAge(age) });
    if (b.textContent !== text) b.textContent = text;
    b.classList.toggle('stale', stale);
    b.classList.toggle('demo', demo && !stale);
    b.classList.toggle('live', !stale && !demo);
    r.tr.classList.toggle('is-stale', stale);
  }

  tick() { for (const r of this.rows.values()) this.paintAge(r); }

  paintToggle(sym) {
    const r = this.rows.get(sym);
    if (!r) return;
    const on = this.isCharted(sym);
    r.cells.button.setAttribute('aria-pressed', on ? 'true' : 'false');
    r.cells.button.setAttribute('aria-label', t('chart_toggle', { s: sym }));
  }

  /* After a language switch: every figure again. */
  repaint() {
    for (const [sym, r] of this.rows) {
      if (r.data) this.paint(r);
      this.paintToggle(sym);
    }
  }
}
