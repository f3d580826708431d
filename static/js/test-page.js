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
    $('stat-active').textContent = s.active_connections;
    $('stat-unique').textContent = s.unique_users;
    $('stat-total').textContent = s.total_sessions;
    $('stat-peak').textContent = s.peak_connections;
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
      if (n || out.length) out.push(n + ' ' + u[1]);
      s -= n * u[0];
    });
    out.push(Math.floor(s) + ' s');
    return out.join(' ');
  }
  window.nabzUptime = uptime;   // for the page's test

  /* A message: its topic and type, and its whole payload a click away. */
  function logMessage(m, duplicate) {
    var d = document.createElement('details');
    var s = document.createElement('summary');
    var json = JSON.stringify(m.data);
    s.textContent = m.topic + ' ' + m.type + (duplicate ? ' (again: overlapping subscriptions)' : '') + ' '
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
      log('info', (on ? 'unsubscribed from ' : 'subscribed to ') + g);
    });
    box.append(b);
  });
  Object.keys(SHOWN).forEach(function (g) {
    var b = document.createElement('button');
    b.type = 'button';
    b.id = 'toggle-' + g;
    b.textContent = g;
    b.title = 'show its messages in the log (always subscribed)';
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', function () {
      SHOWN[g] = !SHOWN[g];
      b.setAttribute('aria-pressed', SHOWN[g] ? 'true' : 'false');
      log('info', (SHOWN[g] ? 'showing ' : 'hiding ') + g + ' messages');
    });
    box.append(b);
  });

  $('request-stats').addEventListener('click', function () {
    var t0 = performance.now();
    client.requestStats().then(function (s) {
      var ms = performance.now() - t0;
      $('stats-rtt').textContent = ms.toFixed(1) + ' ms';
      showStats(s);
      log('info', 'getStats answered in ' + ms.toFixed(1) + ' ms');
    }, function (err) {
      $('stats-rtt').textContent = 'failed';
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
  client.on('connected', function () { log('info', 'connected to ' + client.url); });
  client.on('disconnected', function () { log('error', 'disconnected'); });
  client.on('reconnecting', function (m) { log('info', 'reconnecting in ' + m.data.delay_ms + ' ms (attempt ' + m.data.attempt + ')'); });
  client.on('session', function (m) { $('session-info').textContent = 'session ' + m.data.session_id; });
  // Recorded demo data is said as long as it lasts (the client tracks it).
  client.on('data_mode', function () {
    $('demo-banner').hidden = !client.demo;
    log('info', client.demo ? 'the data is recorded demo data, not live' : 'the data is live');
  });
})();
