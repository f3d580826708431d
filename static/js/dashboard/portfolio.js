/*
 * The portfolio panel: holdings a person enters (symbol, amount, optional
 * buy price in USD and/or toman), valued live from the prices the page
 * already receives, with profit/loss, share of the total and a bar chart
 * of the shares. The math is in portfolio-model.js.
 *
 * Private by construction: the holdings live in this browser's
 * localStorage (one versioned key) and in files the person exports; this
 * module never publishes, never adds to the client's hello, and makes no
 * request. tests/browser/portfolio.test.mjs records every WebSocket frame
 * and request to hold it to that.
 */
import { t, fmtUsd, fmtToman, fmtPct, fmtInt, fmtAmount, fmtSigned } from './i18n.js';
import { $, el } from './dom.js';
import { STALE_AFTER_S } from './prices.js';
import {
  STORE_KEY, MAX_FILE_BYTES, MAX_HOLDINGS, parsePortfolio, serializePortfolio,
  holdingFromInput, upsertHolding, valuePortfolio, plainNumber,
} from './portfolio-model.js';

const PAINT_EVERY_MS = 250;
const MAX_SYMBOLS = 200;    // the datalist of priced symbols, capped like the price table

/* A figure that reads left to right whatever the page's direction (a sign
 * and a «$» must stay beside their digits in Persian). */
function ltr(text, cls) {
  const b = el('bdi', cls, text);
  b.setAttribute('dir', 'ltr');
  return b;
}

/* localStorage that says whether it worked (private mode, a full quota). */
const storage = {
  get() { try { return localStorage.getItem(STORE_KEY); } catch (e) { return null; } },
  set(text) { try { localStorage.setItem(STORE_KEY, text); return true; } catch (e) { return false; } },
  remove() { try { localStorage.removeItem(STORE_KEY); return true; } catch (e) { return false; } },
};

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = el('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export class Portfolio {
  constructor() {
    this.holdings = [];
    this.prices = new Map();   // symbol -> {data, receivedAt, ageS, demo}
    this.usdtIrt = null;       // toman per USDT (market summary), for prices without price_irt
    this.refused = null;       // i18n key while the stored data cannot be read (nothing is written then)
    this.message = null;       // {key, vars, error}: repainted on a language switch
    this.staleSig = '';
    this.queued = false;
    this.paintedAt = 0;
    this.form = $('pf-form');
    this.fields = { symbol: $('pf-symbol'), amount: $('pf-amount'), buyUsd: $('pf-buy-usd'), buyIrt: $('pf-buy-irt') };
    this.load();
    this.bind();
    this.paint();
  }

  /* The stored holdings; unreadable or newer data is refused and left as
   * it is (shown, downloadable, removed only by "Clear all"). */
  load() {
    const raw = storage.get();
    this.refused = null;
    this.holdings = [];
    if (raw === null) return;
    const r = parsePortfolio(raw);
    if (r.error) this.refused = r.error === 'pf_err_file_newer' ? 'pf_refused_newer' : 'pf_refused_garbage';
    else this.holdings = r.holdings;
  }

  save(next) {
    if (this.refused) return false;
    if (!storage.set(serializePortfolio(next))) { this.say('pf_err_save', null, true); return false; }
    this.holdings = next;
    return true;
  }

  bind() {
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    $('pf-export').addEventListener('click', () => this.exportFile());
    $('pf-import').addEventListener('change', (e) => this.importFile(e.target));
    $('pf-clear').addEventListener('click', () => this.clearAll());
    $('pf-download-raw').addEventListener('click', () => download('nabz-portfolio-unreadable.json', storage.get() || ''));
    $('pf-rows').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-action]');
      if (b) this[b.dataset.action === 'edit' ? 'edit' : 'remove'](b.closest('tr').dataset.symbol);
    });
    // Another tab of the same browser changed the holdings.
    addEventListener('storage', (e) => {
      if (e.key === STORE_KEY || e.key === null) { this.load(); this.paint(); }
    });
  }

  say(key, vars, error) {
    this.message = { key, vars, error: !!error };
    this.paintMessage();
  }

  paintMessage() {
    const m = this.message;
    const vars = m && m.vars ? Object.fromEntries(Object.entries(m.vars).map(([k, v]) => [k, typeof v === 'number' ? fmtInt(v) : v])) : null;
    const text = m ? t(m.key, vars) : '';
    $('pf-error').textContent = m && m.error ? text : '';
    $('pf-status').textContent = m && !m.error ? text : '';
  }

  submit() {
    const f = this.fields;
    Object.values(f).forEach((i) => { i.removeAttribute('aria-invalid'); i.removeAttribute('aria-describedby'); });
    const r = holdingFromInput({ symbol: f.symbol.value, amount: f.amount.value, buyUsd: f.buyUsd.value, buyIrt: f.buyIrt.value });
    if (r.error) {
      f[r.field].setAttribute('aria-invalid', 'true');
      f[r.field].setAttribute('aria-describedby', 'pf-error');   // read again when the field is revisited
      f[r.field].focus();
      this.say(r.error, null, true);
      return;
    }
    const u = upsertHolding(this.holdings, r.holding);
    if (u.error) { this.say(u.error, { n: MAX_HOLDINGS }, true); return; }
    if (!this.save(u.holdings)) return;
    this.form.reset();
    f.symbol.focus();
    this.say('pf_saved', { s: r.holding.symbol });
    this.paint();
  }

  edit(sym) {
    const h = this.holdings.find((x) => x.symbol === sym);
    if (!h) return;
    const f = this.fields;
    f.symbol.value = h.symbol;
    f.amount.value = plainNumber(h.amount);
    f.buyUsd.value = h.buy_usd ? plainNumber(h.buy_usd) : '';
    f.buyIrt.value = h.buy_irt ? plainNumber(h.buy_irt) : '';
    f.amount.focus();
    f.amount.select();
  }

  remove(sym) {
    if (!this.save(this.holdings.filter((x) => x.symbol !== sym))) return;
    this.say('pf_removed', { s: sym });
    this.paint();
    this.form.querySelector('#pf-symbol').focus();
  }

  clearAll() {
    if (!confirm(t('pf_confirm_clear'))) return;
    if (!storage.remove()) { this.say('pf_err_save', null, true); return; }
    this.refused = null;
    this.holdings = [];
    this.say('pf_cleared');
    this.paint();
  }

  exportFile() {
    const day = new Date().toISOString().slice(0, 10);
    download(`nabz-portfolio-${day}.json`, serializePortfolio(this.holdings));
    this.say('pf_exported', { n: this.holdings.length });
  }

  /* All or nothing: a bad file changes nothing and says what is wrong. */
  async importFile(input) {
    const file = input.files && input.files[0];
    input.value = '';            // the same file can be chosen again
    if (!file || this.refused) return;
    if (file.size > MAX_FILE_BYTES) { this.say('pf_err_file_big', null, true); return; }
    let text;
    try { text = await file.text(); } catch (e) { this.say('pf_err_file_json', null, true); return; }
    const r = parsePortfolio(text);
    if (r.error) {
      this.say(r.error === 'pf_err_file_shape' && r.row ? 'pf_err_file_row' : r.error, { n: r.row || MAX_HOLDINGS }, true);
      return;
    }
    if (this.holdings.length && !confirm(t('pf_confirm_import', { n: fmtInt(this.holdings.length), m: fmtInt(r.holdings.length) }))) return;
    if (!this.save(r.holdings)) return;
    this.say('pf_imported', { n: r.holdings.length });
    this.paint();
  }

  /* ---- prices in ------------------------------------------------------ */

  price(msg) {
    const d = msg.data;
    if (!d || typeof d.symbol !== 'string') return;
    const known = this.prices.has(d.symbol);
    if (!known && this.prices.size >= MAX_SYMBOLS) return;
    this.prices.set(d.symbol, { data: d, receivedAt: Date.now(), ageS: msg.age_s, demo: msg.demo === true || d.source === 'demo' });
    if (!known) this.paintSymbols();
    if (this.holdings.some((h) => h.symbol === d.symbol)) this.paintSoon();
  }

  market(msg) {
    const v = msg.data && msg.data.usdt_irt;
    this.usdtIrt = typeof v === 'number' && isFinite(v) && v > 0 ? v : null;
    if (this.holdings.length) this.paintSoon();
  }

  /* Ages go on between updates: repaint when a held price turns stale. */
  tick() {
    const sig = this.holdings.map((h) => (this.isStale(h.symbol) ? '1' : '0')).join('');
    if (sig !== this.staleSig) this.paint();
  }

  isStale(sym) {
    const p = this.prices.get(sym);
    if (!p) return false;
    const age = (p.ageS || 0) + (Date.now() - p.receivedAt) / 1000;
    return p.data.stale === true || age > STALE_AFTER_S;
  }

  priceView() {
    const view = new Map();
    for (const [sym, p] of this.prices) {
      view.set(sym, { price_usd: p.data.price_usd, price_irt: p.data.price_irt, stale: this.isStale(sym), demo: p.demo });
    }
    return view;
  }

  /* ---- drawing ---------------------------------------------------------- */

  /* Live prices repaint at most every PAINT_EVERY_MS, in a frame: a full
   * paint of 100 holdings takes ~35 ms on a busy 2-core machine, and a
   * burst of updates must not cost one per frame. */
  paintSoon() {
    if (this.queued) return;
    this.queued = true;
    const wait = Math.max(0, this.paintedAt + PAINT_EVERY_MS - performance.now());
    setTimeout(() => requestAnimationFrame(() => { this.queued = false; this.paint(); }), wait);
  }

  paintSymbols() {
    const syms = [...this.prices.keys()].sort();
    $('pf-symbols').replaceChildren(...syms.map((s) => { const o = el('option'); o.value = s; return o; }));
  }

  toman(n, derived) {
    if (n === null) return t('pf_no_toman');
    return (derived ? '≈\u00a0' : '') + fmtToman(n);
  }

  /* One line of P/L: the signed amount (with «toman» after it when in
   * toman) and the percentage, each figure isolated so that in Persian the
   * line reads from the right and the signs stay by their digits. */
  plCell(td, pl, pct, currency) {
    if (pl === null) return;
    const line = el('div', 'change ' + (pl > 0 ? 'up' : pl < 0 ? 'down' : ''));
    if (currency === 'usd') {
      line.append(ltr(fmtSigned(pl, fmtUsd)));
    } else {
      const [before, after] = t('pf_toman').split('{n}');
      line.append(before, ltr(fmtSigned(pl, fmtToman)), after || '');
    }
    line.append(' (', ltr(fmtPct(pct, true)), ')');
    td.append(line);
  }

  row(r) {
    const tr = el('tr');
    tr.dataset.symbol = r.symbol;
    tr.classList.toggle('is-stale', r.stale);
    const th = el('th', 'symbol', r.symbol);
    th.scope = 'row';
    th.setAttribute('dir', 'ltr');
    const price = el('td', 'num pf-price');
    if (r.price_usd === null) {
      price.append(el('span', 'pf-none', t('pf_no_price')));
    } else {
      price.append(ltr(fmtUsd(r.price_usd)));
      if (r.stale || r.demo) price.append(' ', el('span', 'badge ' + (r.stale ? 'stale' : 'demo'), r.stale ? t('stale') : t('demo_badge')));
    }
    const irt = el('td', 'num pf-value-irt', r.value_usd === null ? '–' : this.toman(r.value_irt, r.irt_derived));
    if (r.irt_derived) irt.title = t('pf_irt_derived');
    const pl = el('td', 'num pf-pl');
    this.plCell(pl, r.pl_usd, r.pl_usd_pct, 'usd');
    this.plCell(pl, r.pl_irt, r.pl_irt_pct, 'irt');
    if (!pl.childNodes.length) pl.textContent = '–';
    const actions = el('td', 'pf-actions');
    for (const [action, label] of [['edit', 'pf_edit'], ['remove', 'pf_remove']]) {
      const b = el('button', 'pf-' + action, t(action === 'edit' ? 'pf_edit_short' : 'pf_remove_short'));
      b.type = 'button';
      b.dataset.action = action;
      b.setAttribute('aria-label', t(label, { s: r.symbol }));
      actions.append(b);
    }
    const usd = el('td', 'num pf-value-usd');
    usd.append(ltr(r.value_usd === null ? '–' : fmtUsd(r.value_usd)));
    tr.append(th, el('td', 'num pf-amount', fmtAmount(r.amount)), price, usd, irt, pl,
      el('td', 'num pf-share', r.share_pct === null ? '–' : fmtPct(r.share_pct)), actions);
    return tr;
  }

  paint() {
    this.paintedAt = performance.now();
    const { rows, total } = valuePortfolio(this.holdings, this.priceView(), this.usdtIrt);
    this.staleSig = this.holdings.map((h) => (this.isStale(h.symbol) ? '1' : '0')).join('');
    $('pf-rows').replaceChildren(...rows.map((r) => this.row(r)));
    $('pf-table').hidden = rows.length === 0;
    $('pf-empty').hidden = rows.length > 0 || !!this.refused;

    const foot = $('pf-total');
    foot.querySelector('.pf-value-usd').replaceChildren(ltr(total.value_usd === null ? '–' : fmtUsd(total.value_usd)));
    const irt = foot.querySelector('.pf-value-irt');
    irt.textContent = total.value_usd === null ? '–' : this.toman(total.value_irt, total.irt_derived);
    irt.title = total.irt_derived ? t('pf_irt_derived') : '';
    const pl = foot.querySelector('.pf-pl');
    pl.replaceChildren();
    this.plCell(pl, total.pl_usd, total.pl_usd_pct, 'usd');
    this.plCell(pl, total.pl_irt, total.pl_irt_pct, 'irt');
    if (!pl.childNodes.length) pl.textContent = '–';

    const notes = [];
    if (total.unpriced) notes.push(t('pf_unpriced', { n: fmtInt(total.unpriced) }));
    if (total.stale) notes.push(t('pf_stale_note'));
    if (total.demo) notes.push(t('pf_demo_note'));
    $('pf-notes').textContent = notes.join(' ');
    $('pf-notes').hidden = notes.length === 0;

    this.paintChart(rows);

    const refused = $('pf-refused');
    refused.hidden = !this.refused;
    if (this.refused) refused.querySelector('p').textContent = t(this.refused);
    this.form.querySelector('fieldset').disabled = !!this.refused;
    $('pf-import').disabled = !!this.refused;
    $('pf-export').disabled = !!this.refused || !this.holdings.length;
    $('pf-clear').disabled = !this.refused && !this.holdings.length;
  }

  /* The share of each priced holding as bars; the figures are the
   * image's name, so a screen reader hears them in one go. */
  paintChart(rows) {
    const chart = $('pf-chart');
    const priced = rows.filter((r) => r.share_pct !== null).sort((a, b) => b.share_pct - a.share_pct);
    chart.hidden = priced.length === 0;
    chart.setAttribute('aria-label', t('pf_chart_label', {
      list: priced.map((r) => `${r.symbol} ${fmtPct(r.share_pct)}`).join(t('pf_list_sep')),
    }));
    $('pf-chart-bars').replaceChildren(...priced.map((r) => {
      const li = el('li');
      li.dataset.key = r.symbol;
      const name = el('span', 'bar-label', r.symbol);
      name.setAttribute('dir', 'ltr');
      const track = el('span', 'bar-track');
      const fill = el('span', 'bar-fill');
      fill.style.inlineSize = r.share_pct.toFixed(1) + '%';
      track.append(fill);
      li.append(name, track, el('span', 'bar-value', fmtPct(r.share_pct)));
      return li;
    }));
  }

  /* After a language switch. */
  repaint() {
    this.paint();
    this.paintMessage();
  }
}
