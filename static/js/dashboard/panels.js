/*
 * The smaller dashboard panels: market summary, news feed, alerts (list,
 * toasts, browser notifications), source health and the audience.
 * Every list is capped.
 */
import { t, fmtInt, fmtPct, fmtCompactUsd, fmtToman, fmtTime, fmtDateTime } from './i18n.js';
import { $, el } from './dom.js';

export const MAX_NEWS = 50;
export const MAX_ALERTS = 50;
export const MAX_TOASTS = 4;
const TOAST_MS = 8000;

/* Feed text comes in either language whatever the page's: Persian if it
 * has Arabic-script letters, else English (screen readers and fonts). */
function textLang(s) {
  return /[\u0600-\u06FF]/.test(s) ? 'fa' : 'en';
}

function cap(list, max) {
  while (list.children.length > max) list.lastElementChild.remove();
}

/* ---- market ---------------------------------------------------------- */

export class Market {
  constructor() { this.data = null; this.demo = false; }
  update(msg) { this.data = msg.data; this.paint(); }
  paint() {
    const d = this.data;
    if (!d) return;
    $('market-cap').textContent = fmtCompactUsd(d.total_market_cap_usd);
    $('market-volume').textContent = fmtCompactUsd(d.total_volume_usd);
    $('market-btc-dominance').textContent = fmtPct(d.btc_dominance_pct);
    $('market-usdt-irt').textContent = fmtToman(d.usdt_irt);
  }
}

/* ---- news -------------------------------------------------------------- */

export class News {
  constructor() {
    this.list = $('news-list');
    this.seen = new Set();
    this.items = [];
  }
  update(msg) {
    const d = msg.data;
    if (!d || !d.title) return;
    const id = d.id || d.url || d.title;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.items.unshift({ id, d, ts: msg.ts });
    if (this.items.length > MAX_NEWS) {
      for (const old of this.items.splice(MAX_NEWS)) this.seen.delete(old.id);
    }
    this.list.prepend(this.item(d, msg.ts));
    cap(this.list, MAX_NEWS);
    $('news-empty').hidden = true;
  }
  /* The latest items (retained, newest first): what was published before
   * the page opened. Items already shown are skipped. */
  recent(msg) {
    const items = msg.data && Array.isArray(msg.data.items) ? msg.data.items : [];
    for (let i = Math.min(items.length, MAX_NEWS) - 1; i >= 0; i--) {
      this.update({ data: items[i], ts: msg.ts });
    }
  }
  item(d, ts) {
    const li = el('li', 'news-item');
    const head = el(d.url ? 'a' : 'span', 'news-title', d.title);
    if (d.url && /^https?:\/\//.test(d.url)) { head.href = d.url; head.target = '_blank'; head.rel = 'noopener noreferrer'; }
    head.setAttribute('dir', 'auto');
    head.lang = textLang(d.title);
    // Source and date each in their own <bdi>: a Latin source name beside
    // a Persian date would otherwise pull «۶» away from «آذر».
    const meta = el('div', 'meta');
    const source = el('bdi', 'news-source', d.source || '');
    source.lang = textLang(d.source || '');
    const date = el('bdi');
    date.append(el('time', null, fmtDateTime(d.published_at || ts)));
    meta.append(source, t('meta_sep'), date);
    li.append(head, meta);
    if (d.summary) {
      const p = el('p', 'summary', d.summary.length > 280 ? d.summary.slice(0, 277) + '…' : d.summary);
      p.setAttribute('dir', 'auto');
      p.lang = textLang(d.summary);
      li.append(p);
    }
    return li;
  }
  repaint() {
    this.list.replaceChildren(...this.items.map((i) => this.item(i.d, i.ts)));
  }
}

/* ---- alerts: the list, toasts, notifications ------------------------ */

export class Alerts {
  constructor() {
    this.list = $('alert-list');
    this.toasts = $('toasts');
    this.live = new Map();   // toast element -> its remover
    this.items = [];
    this.notify = false;
  }
  text(d) {
    const text = d.message || [d.symbol, d.rule].filter(Boolean).join(' ');
    // an alert fired by recorded demo data says so wherever it shows
    return d.source === 'demo' ? `${t('demo_badge')}: ${text}` : text;
  }
  update(msg) {
    const d = msg.data;
    if (!d) return;
    this.items.unshift({ d, ts: msg.ts });
    this.items.length = Math.min(this.items.length, MAX_ALERTS);
    this.list.prepend(this.item(d, msg.ts));
    cap(this.list, MAX_ALERTS);
    $('alerts-empty').hidden = true;
    this.toast(d);
    if (this.notify && document.hidden && 'Notification' in window && Notification.permission === 'granted') {
      try { new Notification('nabz · ' + (d.symbol || ''), { body: this.text(d), tag: 'nabz-' + (d.rule || d.symbol) }); } catch (e) { /* not allowed here */ }
    }
  }
  item(d, ts) {
    const li = el('li', 'alert-item ' + (d.kind || ''));
    const sym = el('strong', 'symbol', d.symbol || '');
    sym.setAttribute('dir', 'ltr');
    const msg = el('span', 'message', this.text(d));
    msg.setAttribute('dir', 'auto');
    msg.lang = textLang(this.text(d));
    li.append(sym, ' ', msg, ' ', el('time', null, fmtTime(ts)));
    return li;
  }
  toast(d) {
    const box = el('div', 'toast');
    box.setAttribute('role', 'status');
    // The message (English from the bridge) isolated inside the page's own
    // «هشدار: …», so the label stays on the reading side.
    const msg = el('p');
    const [before, after] = t('announce_alert').split('{m}');
    const text = el('bdi', null, this.text(d));
    text.lang = textLang(this.text(d));
    msg.append(before, text, after || '');
    const close = el('button', 'toast-close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', t('dismiss'));
    let timer = 0;
    const remove = () => {
      clearTimeout(timer);
      close.removeEventListener('click', remove);
      this.live.delete(box);
      box.remove();
    };
    close.addEventListener('click', remove);
    timer = setTimeout(remove, TOAST_MS);
    box.append(msg, close);
    this.toasts.append(box);
    this.live.set(box, remove);
    // The oldest goes when a fifth arrives; its timer and handler with it.
    while (this.toasts.children.length > MAX_TOASTS) this.live.get(this.toasts.firstElementChild)();
  }
  repaint() {
    this.list.replaceChildren(...this.items.map((i) => this.item(i.d, i.ts)));
  }
}

/* ---- source health ------------------------------------------------------ */

export class Sources {
  constructor() { this.data = null; }
  update(msg) { this.data = msg.data; this.paint(); }
  paint() {
    const d = this.data;
    if (!d || !d.sources) return;
    const rows = Object.keys(d.sources).sort().map((name) => {
      const s = d.sources[name];
      const tr = el('tr');
      tr.dataset.source = name;
      const th = el('th', null, name);
      th.scope = 'row';
      th.setAttribute('dir', 'ltr');
      const st = el('td');
      let status = ['ok', 'down'].includes(s.status) ? s.status : 'unknown';
      // a recorded response that parsed is "demo", not a healthy live source
      if (status === 'ok' && (d.demo === true || this.demo)) status = 'demo';
      const badge = el('span', 'health health-' + status, t('status_' + status));
      if (s.last_error) badge.title = s.last_error;
      st.append(badge);
      tr.append(th, st,
        el('td', 'num', typeof s.latency_ms !== 'number' || s.latency_ms <= 0 ? '–'
          : s.latency_ms < 1 ? t('ms_lt1') : t('ms', { n: fmtInt(s.latency_ms) })),
        el('td', 'opt', s.last_success ? fmtTime(s.last_success) : '–'),
        el('td', 'num', fmtInt(s.errors_total)));
      return tr;
    });
    $('source-rows').replaceChildren(...rows);
    const n = Array.isArray(d.watching) ? d.watching.length : 0;
    $('sources-watching').textContent = n ? t('watching', { n: fmtInt(n) }) : '';
  }
}

/* ---- audience ------------------------------------------------------------- */

function bars(list, obj, keys, label) {
  const total = Math.max(1, ...keys.map((k) => obj[k] || 0));
  list.replaceChildren(...keys.map((k) => {
    const v = obj[k] || 0;
    const li = el('li');
    li.dataset.key = k;
    const name = el('span', 'bar-label', label(k));
    const track = el('span', 'bar-track');
    const fill = el('span', 'bar-fill');
    fill.style.inlineSize = (100 * v / total).toFixed(1) + '%';
    track.append(fill);
    const val = el('span', 'bar-value', fmtInt(v));
    val.dataset.value = String(v);
    li.append(name, track, val);
    return li;
  }));
}

export class Audience {
  constructor() { this.data = null; this.announced = null; }
  update(stats) {
    if (!stats) return;
    this.data = stats;
    this.paint();
  }
  paint() {
    const s = this.data;
    if (!s) return;
    $('aud-active').textContent = fmtInt(s.active_connections);
    $('aud-unique').textContent = fmtInt(s.unique_users);
    $('aud-total').textContent = fmtInt(s.total_sessions);
    $('aud-peak').textContent = fmtInt(s.peak_connections);
    const types = s.client_types || {};
    const typeKeys = [...new Set(['browser', 'api', 'mobile', ...Object.keys(types)])];
    bars($('aud-client-types'), types, typeKeys, (k) => t('ct_' + k));
    bars($('aud-groups'), s.groups || {}, ['prices', 'market', 'news', 'alerts', 'signals', 'chat'], (k) => t('g_' + k));
    // Screen readers hear the online count when it changes, not every repaint.
    if (this.announced !== s.active_connections) {
      this.announced = s.active_connections;
      $('aud-announce').textContent = t('announce_users', { n: fmtInt(s.active_connections) });
    }
  }
}
