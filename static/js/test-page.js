/*
 * The WebSocket test page (/test_websocket.html): stats, per type and per
 * group counts, subscribe buttons, a stats round trip, a live message log.
 * Uses window.wsClient, made by websocket-client.js.
 */
(function () {
  'use strict';
  var client = window.wsClient;
  var GROUPS = ['prices', 'market', 'news', 'alerts', 'all'];
  // Always subscribed (the figures above, the demo banner): their buttons
  // only show or hide their messages in the log.
  var SHOWN = { stats: false, sources: false };
  var MAX_LOG = 200;
  var $ = function (id) { return document.getElementById(id); };

  /* English and Persian, as the dashboard: ?lang=, else the language the
   * dashboard remembers, else the browser's. Topics, types and payloads
   * stay as they are on the wire (left to right). */
  var STRINGS = {
    en: {
      title: 'nabz — WebSocket test page', lang_switch: 'فارسی', online: 'Online', sessions: 'Total sessions',
      hint: 'Open this page in several tabs: the online count rises at once; close one and it falls.',
      dashboard: 'Dashboard', stats: 'Stats', active: 'Online users (connections)', unique: 'Unique users',
      peak: 'Peak connections', uptime: 'Uptime', client_types: 'Client types', type: 'type', connected: 'connected',
      groups: 'Groups', group: 'group', subscribers: 'subscribers', subscriptions: 'Subscriptions',
      request_stats: 'Request stats', round_trip: 'round trip:', messages: 'Messages', clear: 'Clear',
      d: 'd', h: 'h', min: 'min', s: 's', ms: 'ms',
      subscribed: 'subscribed to {g}', unsubscribed: 'unsubscribed from {g}', showing: 'showing {g} messages',
      hiding: 'hiding {g} messages', answered: 'getStats answered in {ms} ms', failed: 'failed',
      connected_to: 'connected to {url}', disconnected: 'disconnected',
      reconnecting: 'reconnecting in {ms} ms (attempt {n})', session: 'session {id}',
      demo: 'the data is recorded demo data, not live', live: 'the data is live',
      again: '(again: overlapping subscriptions)', shown_always: 'show its messages in the log (always subscribed)',
    },
    fa: {
      title: 'نبض — صفحهٔ آزمایش WebSocket', lang_switch: 'English', online: 'آنلاین', sessions: 'کل نشست‌ها',
      hint: 'این صفحه را در چند زبانه باز کنید: شمار آنلاین‌ها بی‌درنگ بالا می‌رود؛ یکی را ببندید و پایین می‌آید.',
      dashboard: 'داشبورد', stats: 'آمار', active: 'کاربران آنلاین (اتصال‌ها)', unique: 'کاربران یکتا',
      peak: 'اوج اتصال‌ها', uptime: 'مدت کارکرد', client_types: 'نوع کلاینت', type: 'نوع', connected: 'متصل',
      groups: 'گروه‌ها', group: 'گروه', subscribers: 'مشترک‌ها', subscriptions: 'اشتراک‌ها',
      request_stats: 'درخواست آمار', round_trip: 'رفت‌وبرگشت:', messages: 'پیام‌ها', clear: 'پاک کردن',
      d: 'روز', h: 'ساعت', min: 'دقیقه', s: 'ثانیه', ms: 'میلی‌ثانیه',
      subscribed: 'مشترک {g} شد', unsubscribed: 'اشتراک {g} لغو شد', showing: 'پیام‌های {g} نمایش داده می‌شوند',
      hiding: 'پیام‌های {g} پنهان می‌شوند', answered: 'پاسخ getStats در {ms} میلی‌ثانیه', failed: 'ناموفق',
      connected_to: 'متصل به {url}', disconnected: 'اتصال قطع شد',
      reconnecting: 'اتصال دوباره تا {ms} میلی‌ثانیهٔ دیگر (تلاش {n})', session: 'نشست {id}',
      demo: 'داده‌ها نمایشی و ضبط‌شده‌اند، نه زنده', live: 'داده‌ها زنده‌اند',
      again: '(دوباره: اشتراک‌های هم‌پوشان)', shown_always: 'نمایش پیام‌هایش در فهرست (همیشه مشترک است)',
    },
  };
  var lang = (function () {
    var q = new URLSearchParams(location.search).get('lang');
    var stored = null;
    try { stored = localStorage.getItem('nabz.lang'); } catch (e) { /* private mode */ }
    var l = q || stored || ((navigator.language || '').toLowerCase().indexOf('fa') === 0 ? 'fa' : 'en');
    return l === 'fa' ? 'fa' : 'en';
  })();
  function T(key, vars) {
    var s = STRINGS[lang][key] || STRINGS.en[key] || key;
    return s.replace(/\{(\w+)\}/g, function (_, k) { return vars && vars[k] != null ? String(vars[k]) : ''; });
  }
  function num(n) {
    try { return new Intl.NumberFormat(lang === 'fa' ? 'fa-IR' : 'en-US').format(n); } catch (e) { return String(n); }
  }
  function applyLang() {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'fa' ? 'rtl' : 'ltr';
    document.title = T('title');
    document.querySelectorAll('[data-t]').forEach(function (el) { el.textContent = T(el.getAttribute('data-t')); });
    $('lang-toggle').setAttribute('lang', lang === 'fa' ? 'en' : 'fa');
    if (client) client.renderStatus();
  }

  function fillTable(tbody, obj) {
    var keys = Object.keys(obj || {}).sort();
    var rows = keys.map(function (k) {
      var tr = document.createElement('tr');
      var th = document.createElement('th');
      th.scope = 'row';
      th.textContent = k;
      var td = document.createElement('td');
      td.textContent = String(obj[k]);
      td.setAttribute('data-key', k);
      tr.append(th, td);
      return tr;
    });
    tbody.replaceChildren.apply(tbody, rows);
  }

  function showStats(s) {
    if (!s) return;
    $('stat-active').textContent = num(s.active_connections);
    $('stat-unique').textContent = num(s.unique_users);
    $('stat-total').textContent = num(s.total_sessions);
    $('stat-peak').textContent = num(s.peak_connections);
    $('stat-uptime').textContent = uptime(s.uptime_s);
    fillTable($('client-types'), s.client_types);
    fillTable($('groups'), s.groups);
  }

  /* 93784 -> "1 d 2 h 3 min 4 s" */
  function uptime(s) {
    if (typeof s !== 'number' || s < 0) return '–';
    var out = [];
    [[86400, 'd'], [3600, 'h'], [60, 'min']].forEach(function (u) {
      var n = Math.floor(s / u[0]);
      if (n || out.length) out.push(num(n) + ' ' + T(u[1]));
      s -= n * u[0];
    });
    out.push(num(Math.floor(s)) + ' ' + T('s'));
    return out.join(' ');
  }
  window.nabzUptime = uptime;   // for the page's test

  /* A message: its topic and type, and its whole payload a click away. */
  function logMessage(m, duplicate) {
    var d = document.createElement('details');
    var s = document.createElement('summary');
    var json = JSON.stringify(m.data);
    s.textContent = m.topic + ' ' + m.type + (duplicate ? ' ' + T('again') : '') + ' '
      + (json.length > 120 ? json.slice(0, 120) + '…' : json);
    var pre = document.createElement('pre');
    pre.textContent = JSON.stringify(m.data, null, 2);
    d.append(s, pre);
    log(duplicate ? 'dup' : 'msg', d);
  }

  function log(kind, text) {
    var list = $('message-log');
    var li = document.createElement('li');
    li.className = 'log-' + kind;
    var time = document.createElement('time');
    time.textContent = new Date().toISOString().slice(11, 23);
    var body = document.createElement('span');
    if (typeof text === 'string') body.textContent = text; else body.append(text);
    li.append(time, ' ', body);
    list.prepend(li);
    while (list.children.length > MAX_LOG) list.lastElementChild.remove();
  }

  // Subscribe / unsubscribe toggles, one per group.
  var box = $('group-buttons');
  GROUPS.forEach(function (g) {
    var b = document.createElement('button');
    b.type = 'button';
    b.id = 'toggle-' + g;
    b.dataset.group = g;
    b.textContent = g;
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', function () {
      var on = b.getAttribute('aria-pressed') === 'true';
      if (on) client.unsubscribe(g); else client.subscribe(g);
      b.setAttribute('aria-pressed', on ? 'false' : 'true');
      log('info', T(on ? 'unsubscribed' : 'subscribed', { g: g }));
    });
    box.append(b);
  });
  Object.keys(SHOWN).forEach(function (g) {
    var b = document.createElement('button');
    b.type = 'button';
    b.id = 'toggle-' + g;
    b.textContent = g;
    b.title = T('shown_always');
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', function () {
      SHOWN[g] = !SHOWN[g];
      b.setAttribute('aria-pressed', SHOWN[g] ? 'true' : 'false');
      log('info', T(SHOWN[g] ? 'showing' : 'hiding', { g: g }));
    });
    box.append(b);
  });

  $('request-stats').addEventListener('click', function () {
    var t0 = performance.now();
    client.requestStats().then(function (s) {
      var ms = performance.now() - t0;
      $('stats-rtt').textContent = num(Number(ms.toFixed(1))) + ' ' + T('ms');
      showStats(s);
      log('info', T('answered', { ms: num(Number(ms.toFixed(1))) }));
    }, function (err) {
      $('stats-rtt').textContent = T('failed');
      log('error', String(err.message || err));
    });
  });
  $('clear-log').addEventListener('click', function () { $('message-log').replaceChildren(); });

  client.on('stats_update', function (m) { showStats(m.data); });
  // The bridge's source health, always: it says whether the data is
  // recorded demo data (the banner above). Not one of the four groups, so
  // no group count moves for it; not logged (it changes every second).
  client.subscribe('sources');
  // With "all" (crypto/#) and a group (crypto/prices/#) both on, a price
  // matches two subscriptions and the broker sends it once per match (MQTT
  // 3.1.1 allows either; mosquitto's allow_duplicate_messages): the second
  // copy is marked, not hidden, so what arrives is what the page shows.
  var last = {};
  client.on('message', function (m) {
    if (m.type === 'stats_update' && !SHOWN.stats) return;
    if (m.type === 'sources_update' && !SHOWN.sources) return;
    var key = JSON.stringify([m.ts, m.data]);
    var duplicate = last[m.topic] === key;
    last[m.topic] = key;
    logMessage(m, duplicate);
  });
  client.on('connected', function () { log('info', T('connected_to', { url: client.url })); });
  client.on('disconnected', function () { log('error', T('disconnected')); });
  client.on('reconnecting', function (m) { log('info', T('reconnecting', { ms: num(m.data.delay_ms), n: num(m.data.attempt) })); });
  client.on('session', function (m) { $('session-info').textContent = T('session', { id: m.data.session_id }); });
  // Recorded demo data is said as long as it lasts (the client tracks it).
  client.on('data_mode', function () {
    $('demo-banner').hidden = !client.demo;
    log('info', T(client.demo ? 'demo' : 'live'));
  });
  $('lang-toggle').addEventListener('click', function () {
    lang = lang === 'fa' ? 'en' : 'fa';
    try { localStorage.setItem('nabz.lang', lang); } catch (e) { /* private mode */ }
    applyLang();
    showStats(client.lastStats);
  });
  applyLang();
})();
