/*
 * One uPlot line chart per selected symbol: drawn at once from the
 * bridge's retained history (price_history: the last 24 h, one point a
 * minute), then fed by live price updates. Points are capped per chart;
 * redraws are batched to one per frame. A chart with fewer than two
 * points shows a note, not an axis from 0.
 */
import { t, fmtUsd, fmtInt, getLang } from './i18n.js';

/* A day of minutes from the history, and room for the live updates after
 * it; past that the oldest go first. */
export const HISTORY_POINTS = 1440;
export const MAX_POINTS = HISTORY_POINTS + 600;

function fmtClock(tsSec) {
  const locale = getLang() === 'fa' ? 'fa-IR' : 'en-US';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(tsSec * 1000));
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

class SymbolChart {
  constructor(sym, container) {
    this.sym = sym;
    this.xs = [];
    this.ys = [];
    this.fig = document.createElement('figure');
    this.fig.className = 'chart';
    this.fig.dataset.symbol = sym;
    this.cap = document.createElement('figcaption');
    this.cap.setAttribute('dir', 'ltr');
    this.plotBox = document.createElement('div');
    this.plotBox.className = 'plot';
    this.plotBox.setAttribute('dir', 'ltr');   // time runs left to right in both languages
    this.wait = document.createElement('p');
    this.wait.className = 'empty';
    this.fig.append(this.cap, this.plotBox, this.wait);
    container.append(this.fig);
    this.plot = null;
    this.dirty = false;
    this.caption();
  }

  caption() {
    const last = this.ys.length ? this.ys[this.ys.length - 1] : null;
    this.cap.textContent = this.sym + (last != null ? '  ' + fmtUsd(last) : '');
    this.wait.textContent = t('chart_wait');
    this.wait.hidden = this.ys.length > 1;
    this.fig.dataset.points = String(this.ys.length);
    // The canvas says nothing to a screen reader: the box names what it
    // draws, from when to when, and the price now.
    this.plotBox.setAttribute('role', 'img');
    if (this.ys.length > 1) {
      this.plotBox.setAttribute('aria-label', t('chart_label', {
        s: this.sym, n: fmtInt(this.ys.length), from: fmtClock(this.xs[0]), to: fmtClock(this.xs[this.xs.length - 1]),
        p: fmtUsd(last),
      }));
    } else {
      this.plotBox.setAttribute('aria-label', t('chart_wait'));
    }
  }

  build() {
    if (this.plot) { this.plot.destroy(); this.plot = null; }
    // One point or none is no line, only an empty frame with an axis
    // from 0: the note says why instead.
    this.plotBox.hidden = this.ys.length < 2;
    if (this.plotBox.hidden || typeof window.uPlot !== 'function') return;
    const width = Math.max(200, this.plotBox.clientWidth || 300);
    const grid = cssVar('--grid') || '#8884';
    const ink = cssVar('--muted') || '#888';
    const line = cssVar('--accent') || '#2563eb';
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const font = `${Math.round(rem * 0.75)}px ${getComputedStyle(document.body).fontFamily}`;
    const axis = { stroke: ink, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const locale = getLang() === 'fa' ? 'fa-IR' : 'en-US';
    const yfmt = new Intl.NumberFormat(locale, { maximumSignificantDigits: 6 });
    const tfmt = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    this.plot = new window.uPlot({
      width,
      height: this.height(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { ...axis, space: rem * 6, values: (u, vals) => vals.map((v) => tfmt.format(new Date(v * 1000))) },
        { ...axis, size: rem * 5, values: (u, vals) => vals.map((v) => yfmt.format(v)) },
      ],
      series: [{}, { label: this.sym, stroke: line, width: 2, fill: line + '22', points: { show: false } }],
    }, [this.xs, this.ys], this.plotBox);
  }

  /* The bridge's history, [[t_ms, price_usd], ...] oldest first: it
   * replaces what came before it; live points newer than its last stay
   * after it (a retained history may arrive after the first live update,
   * and again after a reconnect). */
  history(points) {
    const hx = [];
    const hy = [];
    for (const p of points.slice(-HISTORY_POINTS)) {
      if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1]) || p[1] <= 0) continue;
      const x = p[0] / 1000;
      if (hx.length && x <= hx[hx.length - 1]) continue;   // out of order: not drawable
      hx.push(x);
      hy.push(p[1]);
    }
    if (!hx.length) return;
    const last = hx[hx.length - 1];
    for (let i = 0; i < this.xs.length; i++) {
      if (this.xs[i] > last) { hx.push(this.xs[i]); hy.push(this.ys[i]); }
    }
    this.xs = hx.slice(-MAX_POINTS);
    this.ys = hy.slice(-MAX_POINTS);
    this.dirty = true;
  }

  push(tsSec, price) {
    // Out-of-order or repeated stamps would break the x scale.
    const lastX = this.xs.length ? this.xs[this.xs.length - 1] : -Infinity;
    const x = tsSec <= lastX ? lastX + 0.001 : tsSec;
    this.xs.push(x);
    this.ys.push(price);
    if (this.xs.length > MAX_POINTS) {
      this.xs.splice(0, this.xs.length - MAX_POINTS);
      this.ys.splice(0, this.ys.length - MAX_POINTS);
    }
    this.dirty = true;
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    if (!this.plot) this.build();
    else this.plot.setData([this.xs, this.ys]);
    this.caption();
  }

  /* The wall display gives each plot a share of the screen (its box is
   * sized by the layout, dashboard.css); elsewhere a fixed height. */
  height() {
    if (!document.documentElement.classList.contains('display-mode')) return 180;
    return Math.max(60, Math.floor(this.plotBox.clientHeight || 180));
  }

  resize() {
    if (!this.plot) return;
    const w = Math.max(200, this.plotBox.clientWidth);
    const h = this.height();
    if (w !== this.plot.width || h !== this.plot.height) this.plot.setSize({ width: w, height: h });
  }

  destroy() {
    if (this.plot) this.plot.destroy();
    this.fig.remove();
  }
}

export class Charts {
  constructor(container, emptyNote) {
    this.container = container;
    this.empty = emptyNote;
    this.charts = new Map();
    this.frame = 0;
    new ResizeObserver(() => { for (const c of this.charts.values()) c.resize(); }).observe(container);
  }

  has(sym) { return this.charts.has(sym); }
  symbols() { return [...this.charts.keys()]; }

  add(sym) {
    if (this.charts.has(sym)) return;
    const c = new SymbolChart(sym, this.container);
    this.charts.set(sym, c);
    this.empty.hidden = true;
    c.build();
  }

  remove(sym) {
    const c = this.charts.get(sym);
    if (!c) return;
    c.destroy();
    this.charts.delete(sym);
    this.empty.hidden = this.charts.size > 0;
  }

  price(msg) {
    const d = msg.data;
    const c = d && this.charts.get(d.symbol);
    if (!c || typeof d.price_usd !== 'number') return;
    const ts = Date.parse(msg.ts || d.source_ts);
    c.push((isNaN(ts) ? Date.now() : ts) / 1000, d.price_usd);
    this.schedule();
  }

  /* A price_history message: the chart of its symbol, if shown, draws it. */
  history(msg) {
    const d = msg.data;
    const c = d && this.charts.get(d.symbol);
    if (!c || !Array.isArray(d.points)) return;
    c.history(d.points);
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const c of this.charts.values()) c.draw();
    });
  }

  /* After a theme or language change: new axes and colours, same data. */
  rebuild() {
    for (const c of this.charts.values()) { c.build(); c.caption(); }
  }
}
