/*
 * The dashboard at /: wires window.wsClient (websocket-client.js) to the
 * panels, and holds the page settings: language (fa/en), theme
 * (light/dark), notifications, and the ?display=1 wall-screen mode.
 */
import { setLang, getLang, t, applyStrings } from './i18n.js';
import { $ } from './dom.js';
import { PriceTable } from './prices.js';
import { Charts } from './charts.js';
import { Market, News, Alerts, Sources, Audience } from './panels.js';
import { Portfolio } from './portfolio.js';
import { Signals } from './signals.js';
import { Chat } from './chat.js';

const html = document.documentElement;
const store = {
  get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
  set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } },
};
const client = window.wsClient;
const displayMode = html.classList.contains('display-mode');

/* ---- panels ------------------------------------------------------------- */

const DEFAULT_CHARTS = ['BTC', 'ETH'];
const charts = new Charts($('chart-list'), $('charts-empty'));
let charted;
try { charted = JSON.parse(store.get('nabz.charts')); } catch (e) { charted = null; }
if (!Array.isArray(charted)) charted = DEFAULT_CHARTS;
/* A chart takes its symbol's history (retained: it arrives at once, so
 * the chart opens drawn); a chart closed lets it go. */
const SYMBOL = /^[A-Za-z0-9._-]{1,32}$/;
function addChart(sym) {
  charts.add(sym);
  if (SYMBOL.test(sym)) client.subscribe('history/' + sym);
}
function removeChart(sym) {
  charts.remove(sym);
  if (SYMBOL.test(sym)) client.unsubscribe('history/' + sym);
}
charted.slice(0, 8).forEach((s) => typeof s === 'string' && addChart(s));

const prices = new PriceTable($('price-rows'), $('prices-empty'), {
  isCharted: (sym) => charts.has(sym),
  onToggleChart: (sym) => {
    if (charts.has(sym)) removeChart(sym); else addChart(sym);
    store.set('nabz.charts', JSON.stringify(charts.symbols()));
    prices.paintToggle(sym);
  },
});
const market = new Market();
const news = new News();
const alerts = new Alerts();
const sources = new Sources();
const audience = new Audience();
const signals = new Signals();

client.on('price_update', (m) => { prices.update(m); charts.price(m); if (displayMode) fitWallSoon(); });
client.on('price_history', (m) => charts.history(m));
client.on('market_update', (m) => market.update(m));
client.on('news', (m) => news.update(m));
client.on('news_recent', (m) => news.recent(m));
client.on('alert', (m) => alerts.update(m));
client.on('sources_update', (m) => sources.update(m));
client.on('stats_update', (m) => audience.update(m.data));
client.on('signal', (m) => signals.update(m));
client.on('signals_recent', (m) => signals.recent(m));
const chat = displayMode ? null : new Chat(client, store);   // a wall screen does not chat
if (chat) client.on('stats_update', (m) => chat.stats(m.data));

/* Recorded demo data is said plainly for as long as it lasts: a banner on
 * every view, "demo" badges and source states (the client library tracks
 * it: a demo price, or crypto/sources saying "demo"). */
function paintDemo() {
  $('demo-banner').hidden = !client.demo;
  html.classList.toggle('demo-data', !!client.demo);
  sources.demo = !!client.demo;
  sources.paint();
}
client.on('data_mode', paintDemo);
['prices', 'market', 'news', 'alerts', 'sources', 'signals'].forEach((g) => client.subscribe(g));

setInterval(() => prices.tick(), 1000);

/* The portfolio reads the prices the page already has; it sends nothing. */
const portfolio = new Portfolio();
client.on('price_update', (m) => portfolio.price(m));
client.on('market_update', (m) => portfolio.market(m));
setInterval(() => portfolio.tick(), 1000);

/* The wall display shows the price rows that fit whole: a wall is never
 * scrolled, and a row cut in half (its badge gone) says less than none. */
let fitQueued = false;
function fitWallRows() {
  fitQueued = false;
  const wrap = document.querySelector('#prices .table-wrap');
  const rows = [...document.querySelectorAll('#price-rows tr')];
  rows.forEach((r) => { r.hidden = false; });
  const bottom = wrap.getBoundingClientRect().bottom + 0.5;
  let full = false;
  for (const r of rows) {
    full = full || r.getBoundingClientRect().bottom > bottom;
    r.hidden = full;             // the first that does not fit, and all after it
  }
}
function fitWallSoon() {
  if (fitQueued) return;
  fitQueued = true;
  requestAnimationFrame(fitWallRows);
}

/* A wall screen asks for the stats every 10 s besides the live updates. */
if (displayMode) {
  addEventListener('resize', fitWallSoon);
  setInterval(() => { client.requestStats().then((s) => audience.update(s), () => {}); }, 10000);
}

/* ---- language ------------------------------------------------------------- */

function applyLang(lang) {
  setLang(lang);
  html.lang = getLang();
  html.dir = getLang() === 'fa' ? 'rtl' : 'ltr';
  document.title = t('title');
  applyStrings(document);
  $('lang-toggle').setAttribute('lang', getLang() === 'fa' ? 'en' : 'fa');
  paintTheme();
  paintNotify();
  prices.repaint();
  charts.rebuild();
  market.paint();
  news.repaint();
  alerts.repaint();
  sources.paint();
  audience.paint();
  portfolio.repaint();
  signals.repaint();
  if (chat) chat.paint();
  client.renderStatus();
}

$('lang-toggle').addEventListener('click', () => {
  const next = getLang() === 'fa' ? 'en' : 'fa';
  store.set('nabz.lang', next);
  applyLang(next);
});

/* ---- theme ----------------------------------------------------------------- */

const darkQuery = matchMedia('(prefers-color-scheme: dark)');
function currentTheme() {
  return html.dataset.theme || (darkQuery.matches ? 'dark' : 'light');
}
function paintTheme() {
  const dark = currentTheme() === 'dark';
  // A toggle with its state: "Dark", pressed while the dark theme is on.
  // Its name is its visible text (WCAG 2.5.3); the title says what it does.
  $('theme-toggle').textContent = t('theme_dark');
  $('theme-toggle').setAttribute('aria-pressed', dark ? 'true' : 'false');
}
$('theme-toggle').addEventListener('click', () => {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  html.dataset.theme = next;
  store.set('nabz.theme', next);
  paintTheme();
  charts.rebuild();
});
darkQuery.addEventListener('change', () => { if (!html.dataset.theme) { paintTheme(); charts.rebuild(); } });

/* ---- notifications ------------------------------------------------------- */

function paintNotify() {
  const b = $('notify-toggle');
  if (!('Notification' in window)) { b.hidden = true; return; }
  const denied = Notification.permission === 'denied';
  b.disabled = denied;
  b.textContent = denied ? t('notify_denied') : alerts.notify ? t('notify_on') : t('notify_off');
  b.setAttribute('aria-pressed', alerts.notify ? 'true' : 'false');
}
$('notify-toggle').addEventListener('click', async () => {
  if (alerts.notify) {
    alerts.notify = false;
    store.set('nabz.notify', '0');
  } else {
    const p = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    alerts.notify = p === 'granted';
    store.set('nabz.notify', alerts.notify ? '1' : '0');
  }
  paintNotify();
});
alerts.notify = store.get('nabz.notify') === '1' && 'Notification' in window && Notification.permission === 'granted';

applyLang(html.lang === 'fa' ? 'fa' : 'en');
paintDemo();
html.classList.add('dashboard-ready');
