/*
 * nabz browser client: MQTT over WebSocket to the nabz broker.
 *
 * One script tag is enough:
 *   <script src="/static/js/websocket-client.js"></script>
 * It loads /static/vendor/mqtt.min.js itself when window.mqtt is absent,
 * creates window.wsClient (unless the tag says data-auto="false"),
 * connects to ws(s)://<host>/mqtt, and keeps these elements current where
 * the page has them: #ws-connection-status, #ws-status-dot,
 * #ws-status-text, #active-users-count, #total-sessions-count. When the
 * data is the bridge's recorded demo data, the status bar says so (it
 * gets a #ws-demo item) for as long as it is.
 *
 * Script-tag options (all optional): data-url (WebSocket URL),
 * data-groups ("prices,market": subscribed besides "stats"),
 * data-prefix (topic prefix, default "crypto"), data-auto="false".
 *
 * API (see CONTRACT.md, "Browser client"):
 *   const c = new CryptoWebSocketClient(url?, options?);
 *   c.subscribe('prices'); c.unsubscribe('prices');
 *   c.subscribe('history/BTC');   // a day of BTC, one point a minute, retained
 *   c.on('price_update', (msg) => ...); c.off(type, handler);
 *   const stats = await c.requestStats();
 *   c.close();
 * Chat (CONTRACT.md, "Chat"): rooms are read like any topic and posted to
 * through the plugin, which stamps who spoke:
 *   c.setDisplayName('Sara');       // hello metadata.display_name
 *   c.chat.join('general');         // chat_recent at once, then chat_message / chat_removed
 *   await c.chat.post('general', 'text');   // {id, room, ts}, or rejects with err.code
 *   c.chat.leave('general');
 * A handler receives {type, data, ts, topic, group, stale, age_s, demo};
 * stale and age_s (the bridge's data.age_s plus the time since ts, else
 * the time since data.source_ts) are there for every message, so a page
 * can badge old prices; demo is true for recorded demo data (its
 * data.source is "demo"). c.demo says whether the data seen so far is demo
 * (a demo price, or crypto/sources saying "demo": true, until it says
 * false); a 'data_mode' event ({data: {demo}}) follows each change.
 *
 * Reconnects by itself: exponential backoff with full jitter (a delay
 * drawn uniformly from [0, min(max, base * 2^attempt))), so thousands of
 * tabs do not come back in lock-step after a broker restart; then it
 * sends hello again and subscribes again. MQTT.js's own reconnect is off.
 */
(function (root) {
  'use strict';

  var DEFAULTS = {
    prefix: 'crypto',
    clientType: 'browser',
    metadata: null,            // extra hello metadata (merged over page info)
    displayName: null,         // chat name, sent as hello metadata.display_name
    groups: [],                // subscribed at once
    backoff: { baseMs: 1000, maxMs: 30000 },
    statsTimeoutMs: 5000,
    connectTimeoutMs: 8000,
    keepaliveS: 30,
    protocolVersion: 4,
    bindDom: true,             // keep the contract's element ids current
    autoConnect: true,
    random: Math.random,       // for tests
  };

  var CONTROL_TOPIC = '$CONTROL/nabz/v1';
  var RESPONSE_TOPIC = '$CONTROL/nabz/v1/response';
  var EVENTS = ['price_update', 'price_history', 'market_update', 'news', 'news_recent', 'alert', 'stats_update',
    'sources_update', 'chat_message', 'chat_recent', 'chat_removed', 'data_mode', 'connected', 'disconnected', 'reconnecting', 'session', 'message', 'error'];

  /* The n-th retry's delay (n from 0): full jitter over a capped
   * exponential. Bounded by maxMs whatever n is. */
  function backoffDelay(attempt, baseMs, maxMs, random) {
    var n = Math.max(0, Math.min(attempt | 0, 30));
    var ceiling = Math.min(maxMs, baseMs * Math.pow(2, n));
    var r = (random || Math.random)();
    if (!(r >= 0 && r < 1)) r = 0;
    return Math.floor(r * ceiling);
  }

  /* group -> topic filter under the prefix. 'prices/BTC' is one symbol. */
  function groupFilter(prefix, group) {
    switch (group) {
      case 'all': return prefix + '/#';
      case 'prices': return prefix + '/prices/+';
      /* history/+: each symbol's last 24 h, one point a minute, retained
       * (a chart opened now has a line to draw); 'history/BTC' is one */
      case 'history': return prefix + '/history/+';
      /* news/#: each item on news, and the latest ones, retained, on
       * news/recent (a page opened now has something to show) */
      case 'news': return prefix + '/news/#';
      /* signals/#: each trading signal's change on signals, every current
       * state, retained, on signals/recent (an indicator, not advice) */
      case 'signals': return prefix + '/signals/#';
      case 'market': case 'alerts': case 'stats': case 'sources':
        return prefix + '/' + group;
      default:
        if (/^prices\/[A-Za-z0-9._-]{1,32}$/.test(group)) return prefix + '/prices/' + group.slice(7).toUpperCase();
        if (/^history\/[A-Za-z0-9._-]{1,32}$/.test(group)) return prefix + '/history/' + group.slice(8).toUpperCase();
        /* chat/<room>/#: the room's messages and its recent (retained) */
        if (/^chat\/[A-Za-z0-9_-]{1,32}$/.test(group)) return prefix + '/' + group + '/#';
        throw new Error('nabz: unknown group ' + JSON.stringify(group));
    }
  }

  /* topic -> group ('prices', 'market', ...) or null. */
  function topicGroup(prefix, topic) {
    if (topic.indexOf(prefix + '/') !== 0) return null;
    var rest = topic.slice(prefix.length + 1);
    var first = rest.split('/')[0];
    return ['prices', 'history', 'market', 'news', 'alerts', 'stats', 'sources', 'signals', 'chat'].indexOf(first) >= 0 ? first : null;
  }

  /* How old the data is, in seconds. The bridge's age_s is the value's age
   * when it was published (ts); a retained message keeps ageing after
   * that. Without age_s, the time since data.source_ts. */
  function dataAge(data, now, ts) {
    if (!data || typeof data !== 'object') return null;
    if (typeof data.age_s === 'number' && isFinite(data.age_s)) {
      var sent = typeof ts === 'string' ? Date.parse(ts) : NaN;
      return Math.max(0, Math.round(data.age_s + (isNaN(sent) ? 0 : Math.max(0, now - sent) / 1000)));
    }
    if (typeof data.source_ts === 'string') {
      var t = Date.parse(data.source_ts);
      if (!isNaN(t)) return Math.max(0, Math.round((now - t) / 1000));
    }
    return null;
  }

  function randomId(n) {
    var a = new Uint8Array(n);
    if (root.crypto && root.crypto.getRandomValues) root.crypto.getRandomValues(a);
    else for (var i = 0; i < n; i++) a[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  /* One id per device, kept in localStorage: unique_users counts devices. */
  function deviceId() {
    var key = 'nabz.user_id';
    try {
      var v = root.localStorage.getItem(key);
      if (!v || !/^[0-9a-f-]{8,64}$/.test(v)) {
        v = randomId(16);
        root.localStorage.setItem(key, v);
      }
      return v;
    } catch (e) {
      return null;   // storage blocked: the plugin counts this client alone
    }
  }

  /* ---- loading MQTT.js when the page has not ------------------------ */

  var mqttPromise = null;
  function loadMqtt(src) {
    if (root.mqtt && root.mqtt.connect) return Promise.resolve(root.mqtt);
    if (mqttPromise) return mqttPromise;
    mqttPromise = new Promise(function (resolve, reject) {
      var s = root.document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = function () {
        if (root.mqtt && root.mqtt.connect) resolve(root.mqtt);
        else reject(new Error('nabz: ' + src + ' did not define window.mqtt'));
      };
      s.onerror = function () { mqttPromise = null; reject(new Error('nabz: cannot load ' + src)); };
      root.document.head.appendChild(s);
    });
    return mqttPromise;
  }

  /* ---- the status bar ----------------------------------------------- */

  var LABELS = {
    en: { online: 'Connected', offline: 'Disconnected', reconnecting: 'Reconnecting…', connecting: 'Connecting…',
      demo: 'Demo data, not live' },
    fa: { online: 'متصل', offline: 'اتصال قطع شد', reconnecting: 'در حال اتصال دوباره…', connecting: 'در حال اتصال…',
      demo: 'داده‌های نمایشی، نه زنده' },
  };

  function pageLang() {
    var l = (root.document && root.document.documentElement.lang) || 'en';
    return l.slice(0, 2).toLowerCase();
  }

  function formatCount(n) {
    try { return new Intl.NumberFormat(pageLang()).format(n); } catch (e) { return String(n); }
  }

  /* Replays the CSS animation named by cls on el. */
  function pulse(el, cls) {
    el.classList.remove(cls);
    void el.offsetWidth;   // restart the animation
    el.classList.add(cls);
  }

  function DomBinding(client) {
    this.client = client;
    this.state = 'connecting';
    this.counts = {};
    this.filledAt = {};      // id -> when it first showed a figure
  }
  DomBinding.prototype.byId = function (id) {
    return root.document ? root.document.getElementById(id) : null;
  };
  DomBinding.prototype.setState = function (state) {
    var changed = state !== this.state;
    this.state = state;
    this.render(changed);
  };
  DomBinding.prototype.render = function (animate) {
    var state = this.state;
    var bar = this.byId('ws-connection-status');
    var dot = this.byId('ws-status-dot');
    var text = this.byId('ws-status-text');
    var online = state === 'online';
    if (bar) {
      bar.setAttribute('data-state', state);
      bar.classList.toggle('ws-online', online);
      bar.classList.toggle('ws-offline', !online);
      bar.classList.toggle('ws-reconnecting', state === 'reconnecting');
      if (animate) pulse(bar, 'ws-state-changed');
    }
    if (dot) {
      dot.classList.toggle('status-dot-online', online);
      dot.classList.toggle('status-dot-offline', !online);
      dot.classList.toggle('status-dot-reconnecting', state === 'reconnecting' || state === 'connecting');
      dot.setAttribute('role', 'img');
      dot.setAttribute('aria-label', this.label(state));
    }
    if (text) text.textContent = this.label(state);
    for (var id in this.counts) this.writeCount(id, this.counts[id], false);
    this.renderDemo();
  };
  /* Demo data: an item of the status bar says so while it lasts. */
  DomBinding.prototype.renderDemo = function () {
    var bar = this.byId('ws-connection-status');
    var item = this.byId('ws-demo');
    if (!bar) return;
    if (!item && this.client.demo) {
      item = root.document.createElement('span');
      item.id = 'ws-demo';
      item.className = 'ws-status-item ws-demo';
      bar.appendChild(item);
    }
    if (!item) return;
    item.hidden = !this.client.demo;
    item.textContent = this.label('demo');
    bar.classList.toggle('ws-demo-data', !!this.client.demo);
  };
  DomBinding.prototype.label = function (state) {
    var l = this.client.options.labels || LABELS[pageLang()] || LABELS.en;
    return l[state] || LABELS.en[state];
  };
  DomBinding.prototype.writeCount = function (id, value, animate) {
    var el = this.byId(id);
    if (!el) return;
    var old = el.getAttribute('data-value');
    el.setAttribute('data-value', String(value));
    el.textContent = formatCount(value);
    // No animation while the figures settle after connecting (the retained
    // count, then the one that includes this tab): only later changes move.
    var settled = this.filledAt[id] !== undefined && Date.now() - this.filledAt[id] > 2000;
    if (this.filledAt[id] === undefined) this.filledAt[id] = Date.now();
    if (animate && settled && old !== null && old !== String(value)) {
      el.classList.toggle('count-up', Number(old) < value);
      el.classList.toggle('count-down', Number(old) > value);
      pulse(el, 'count-changed');
    }
  };
  DomBinding.prototype.stats = function (s) {
    if (!s) return;
    if (typeof s.active_connections === 'number') {
      this.counts['active-users-count'] = s.active_connections;
      this.writeCount('active-users-count', s.active_connections, true);
    }
    if (typeof s.total_sessions === 'number') {
      this.counts['total-sessions-count'] = s.total_sessions;
      this.writeCount('total-sessions-count', s.total_sessions, true);
    }
  };

  /* ---- the client ----------------------------------------------------- */

  function defaultUrl() {
    var loc = root.location;
    var proto = loc && loc.protocol === 'https:' ? 'wss:' : 'ws:';
    var host = loc && loc.host ? loc.host : '127.0.0.1:8000';
    return proto + '//' + host + '/mqtt';
  }

  function CryptoWebSocketClient(url, options) {
    if (!(this instanceof CryptoWebSocketClient)) return new CryptoWebSocketClient(url, options);
    if (url && typeof url === 'object') { options = url; url = null; }
    var o = {};
    var k;
    for (k in DEFAULTS) o[k] = DEFAULTS[k];
    for (k in options || {}) o[k] = options[k];
    o.backoff = {
      baseMs: (o.backoff && o.backoff.baseMs) || DEFAULTS.backoff.baseMs,
      maxMs: (o.backoff && o.backoff.maxMs) || DEFAULTS.backoff.maxMs,
    };
    this.options = o;
    this.url = url || o.url || defaultUrl();
    this.mqttSrc = o.mqttSrc || '/static/vendor/mqtt.min.js';
    this.handlers = {};
    this.groups = {};          // group -> true
    this.pending = {};         // correlation id -> {resolve, reject, timer}
    this.waiting = [];         // sends queued until connected
    this.connected = false;
    this.state = 'connecting';
    this.attempt = 0;
    this.closed = false;
    this.mqtt = null;          // the current MQTT.js client
    this.timer = null;
    this.session = null;
    this.lastStats = null;
    this.demo = false;
    this.userId = deviceId();
    this.displayName = typeof o.displayName === 'string' && o.displayName.trim() ? o.displayName.trim() : null;
    this.chat = chatApi(this);
    this.dom = o.bindDom ? new DomBinding(this) : null;
    var self = this;
    (o.groups || []).forEach(function (g) { self.groups[g] = true; });
    if (this.dom && root.document) {
      var first = function () { self.dom.render(false); };
      if (root.document.readyState === 'loading') root.document.addEventListener('DOMContentLoaded', first);
      else first();
    }
    if (root.addEventListener) {
      // Back online (laptop wakes, Wi-Fi returns): try now, still jittered.
      root.addEventListener('online', function () {
        if (!self.closed && !self.connected && self.timer) {
          clearTimeout(self.timer);
          self.timer = null;
          self.attempt = 0;
          self._scheduleReconnect();
        }
      });
    }
    if (o.autoConnect) this.connect();
  }

  CryptoWebSocketClient.prototype.connect = function () {
    var self = this;
    if (this.closed) return;
    var lib = this.options.mqttLib || (root.mqtt && root.mqtt.connect ? root.mqtt : null);
    var ready = lib ? Promise.resolve(lib) : loadMqtt(this.mqttSrc);
    ready.then(function (m) { self._open(m); }, function (err) {
      self._emit('error', { type: 'error', data: { message: String(err && err.message || err) } });
      self._dropped();
    });
  };

  CryptoWebSocketClient.prototype._open = function (mqttLib) {
    var self = this;
    if (this.closed) return;
    var c = mqttLib.connect(this.url, {
      clientId: 'browser-' + randomId(8),
      protocolVersion: this.options.protocolVersion,
      clean: true,
      keepalive: this.options.keepaliveS,
      connectTimeout: this.options.connectTimeoutMs,
      reconnectPeriod: 0,      // our own backoff (below)
      resubscribe: false,
    });
    this.mqtt = c;
    var gone = false;
    c.on('connect', function () {
      if (self.mqtt !== c) return;
      self.connected = true;
      self.attempt = 0;
      self._setState('online');
      self._hello();
      var filters = Object.keys(self.groups).map(function (g) { return groupFilter(self.options.prefix, g); });
      if (filters.length) c.subscribe(filters, { qos: 1 });
      var q = self.waiting;
      self.waiting = [];
      q.forEach(function (fn) { fn(); });
      self._emit('connected', { type: 'connected', data: { url: self.url }, ts: new Date().toISOString() });
    });
    c.on('message', function (topic, payload) {
      if (self.mqtt === c) self._message(topic, payload);
    });
    c.on('error', function (err) {
      // Followed by 'close'; reported once here, without a console error.
      if (self.mqtt === c) self._emit('error', { type: 'error', data: { message: String(err && err.message || err) } });
    });
    c.on('close', function () {
      if (gone || self.mqtt !== c) return;
      gone = true;
      self.mqtt = null;
      try { c.end(true); } catch (e) { /* already closed */ }
      self._dropped();
    });
  };

  CryptoWebSocketClient.prototype._dropped = function () {
    var was = this.connected;
    this.connected = false;
    if (this.closed) return;
    if (was) this._emit('disconnected', { type: 'disconnected', data: {}, ts: new Date().toISOString() });
    this._scheduleReconnect();
  };

  CryptoWebSocketClient.prototype._scheduleReconnect = function () {
    var self = this;
    if (this.closed || this.timer) return;
    var delay = backoffDelay(this.attempt, this.options.backoff.baseMs, this.options.backoff.maxMs, this.options.random);
    this.attempt++;
    this._setState('reconnecting');
    this._emit('reconnecting', { type: 'reconnecting', data: { attempt: this.attempt, delay_ms: delay }, ts: new Date().toISOString() });
    this.timer = setTimeout(function () {
      self.timer = null;
      self.connect();
    }, delay);
  };

  CryptoWebSocketClient.prototype._setState = function (state) {
    this.state = state;
    if (this.dom) this.dom.setState(state);
  };

  CryptoWebSocketClient.prototype._hello = function () {
    var meta = {};
    var loc = root.location;
    var doc = root.document;
    if (loc) meta.page = loc.pathname;
    if (doc) {
      if (doc.title) meta.title = doc.title.slice(0, 120);
      meta.lang = pageLang();
    }
    var extra = this.options.metadata || {};
    for (var k in extra) meta[k] = extra[k];
    if (this.displayName) meta.display_name = this.displayName;
    var cmd = { command: 'hello', client_type: this.options.clientType, metadata: meta };
    if (this.userId) cmd.user_id = this.userId;
    this._publishControl([cmd]);
  };

  CryptoWebSocketClient.prototype._publishControl = function (commands) {
    if (this.mqtt && this.connected) this.mqtt.publish(CONTROL_TOPIC, JSON.stringify({ commands: commands }), { qos: 0 });
  };

  CryptoWebSocketClient.prototype._message = function (topic, payload) {
    var text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
    var body;
    try { body = JSON.parse(text); } catch (e) { return; }
    if (topic === RESPONSE_TOPIC) { this._response(body); return; }
    if (!body || typeof body.type !== 'string') return;
    var data = body.data && typeof body.data === 'object' ? body.data : {};
    var msg = {
      type: body.type,
      data: data,
      ts: body.ts,
      topic: topic,
      group: topicGroup(this.options.prefix, topic),
      stale: data.stale === true,
      age_s: dataAge(data, Date.now(), body.ts),
      demo: data.source === 'demo' || (body.type === 'sources_update' && data.demo === true),
    };
    // Demo until the bridge's sources say otherwise: a live price alone
    // does not end it (a page may hold both while the bridge changes).
    var demo = msg.demo ? true : (body.type === 'sources_update' && data.demo === false) ? false : this.demo;
    if (demo !== this.demo) {
      this.demo = demo;
      if (this.dom) this.dom.renderDemo();
      this._emit('data_mode', { type: 'data_mode', data: { demo: demo }, ts: new Date().toISOString() });
    }
    if (msg.type === 'stats_update') {
      this.lastStats = data;
      if (this.dom) this.dom.stats(data);
    }
    this._emit(msg.type, msg);
    this._emit('message', msg);
  };

  CryptoWebSocketClient.prototype._response = function (body) {
    var list = body && Array.isArray(body.responses) ? body.responses : [];
    for (var i = 0; i < list.length; i++) {
      var r = list[i];
      if (r.command === 'hello' && r.data) {
        this.session = r.data;
        this._emit('session', { type: 'session', data: r.data, ts: new Date().toISOString() });
        continue;
      }
      var id = r.correlationData;
      if (!(id && this.pending[id]) && r.command === 'getStats') id = Object.keys(this.pending)[0];
      var p = id && this.pending[id];
      if (!p) continue;
      delete this.pending[id];
      clearTimeout(p.timer);
      if (r.error) {
        var err = new Error('nabz: ' + r.command + ': ' + r.error);
        err.code = r.error;      // the plugin's fixed string (README, "Errors")
        p.reject(err);
      }
      else {
        if (r.command === 'getStats') {
          this.lastStats = r.data;
          if (this.dom) this.dom.stats(r.data);
        }
        p.resolve(r.data);
      }
    }
  };

  CryptoWebSocketClient.prototype._emit = function (type, msg) {
    var list = this.handlers[type];
    if (!list) return;
    list = list.slice();
    for (var i = 0; i < list.length; i++) {
      try { list[i].call(this, msg); } catch (e) {
        if (root.console) root.console.error('nabz: a ' + type + ' handler threw', e);
      }
    }
  };

  CryptoWebSocketClient.prototype.on = function (type, handler) {
    if (typeof handler !== 'function') throw new TypeError('nabz: handler must be a function');
    (this.handlers[type] = this.handlers[type] || []).push(handler);
    // A late handler still learns the current state.
    if (type === 'connected' && this.connected) handler.call(this, { type: 'connected', data: { url: this.url } });
    if (type === 'stats_update' && this.lastStats) handler.call(this, { type: 'stats_update', data: this.lastStats, topic: this.options.prefix + '/stats', group: 'stats', stale: false, age_s: null });
    return this;
  };

  CryptoWebSocketClient.prototype.off = function (type, handler) {
    var list = this.handlers[type];
    if (!list) return this;
    if (!handler) delete this.handlers[type];
    else this.handlers[type] = list.filter(function (h) { return h !== handler; });
    return this;
  };

  CryptoWebSocketClient.prototype.subscribe = function (group) {
    var filter = groupFilter(this.options.prefix, group);
    if (this.groups[group]) return this;
    this.groups[group] = true;
    if (this.mqtt && this.connected) this.mqtt.subscribe(filter, { qos: 1 });
    return this;
  };

  CryptoWebSocketClient.prototype.unsubscribe = function (group) {
    var filter = groupFilter(this.options.prefix, group);
    if (!this.groups[group]) return this;
    delete this.groups[group];
    if (this.mqtt && this.connected) this.mqtt.unsubscribe(filter);
    return this;
  };

  CryptoWebSocketClient.prototype.subscriptions = function () {
    return Object.keys(this.groups);
  };

  /* The stats object, answered on $CONTROL/nabz/v1/response. Waits for
   * the connection when there is none yet; rejects after timeoutMs. */
  CryptoWebSocketClient.prototype.requestStats = function (timeoutMs) {
    var self = this;
    var ms = timeoutMs || this.options.statsTimeoutMs;
    return new Promise(function (resolve, reject) {
      if (self.closed) { reject(new Error('nabz: client closed')); return; }
      var id = 'stats-' + randomId(6);
      var entry = { resolve: resolve, reject: reject, timer: null };
      entry.timer = setTimeout(function () {
        delete self.pending[id];
        reject(new Error('nabz: no stats answer within ' + ms + ' ms'));
      }, ms);
      self.pending[id] = entry;
      var send = function () {
        if (self.pending[id]) self._publishControl([{ command: 'getStats', correlationData: id }]);
      };
      if (self.connected) send();
      else self.waiting.push(send);
    });
  };

  /* One control command answered to this page (correlationData); resolves
   * with its data, rejects with err.code = the plugin's error string. */
  CryptoWebSocketClient.prototype.command = function (cmd, timeoutMs) {
    var self = this;
    var ms = timeoutMs || this.options.statsTimeoutMs;
    return new Promise(function (resolve, reject) {
      if (self.closed) { reject(new Error('nabz: client closed')); return; }
      var id = 'cmd-' + randomId(6);
      var entry = { resolve: resolve, reject: reject, timer: null };
      entry.timer = setTimeout(function () {
        delete self.pending[id];
        var err = new Error('nabz: no answer to ' + cmd.command + ' within ' + ms + ' ms');
        err.code = 'timeout';
        reject(err);
      }, ms);
      self.pending[id] = entry;
      var full = {};
      for (var k in cmd) full[k] = cmd[k];
      full.correlationData = id;
      var send = function () { if (self.pending[id]) self._publishControl([full]); };
      if (self.connected) send();
      else self.waiting.push(send);
    });
  };

  /* The name shown with this page's chat messages (hello
   * metadata.display_name; the plugin trims and bounds it). Sent now when
   * connected, and with every hello after a reconnect. */
  CryptoWebSocketClient.prototype.setDisplayName = function (name) {
    this.displayName = typeof name === 'string' && name.trim() ? name.trim().slice(0, 64) : null;
    if (this.connected) this._hello();
    return this;
  };

  /* c.chat: the rooms (CONTRACT.md, "Chat"). */
  function chatApi(client) {
    return {
      join: function (room) { return client.subscribe('chat/' + room); },
      leave: function (room) { return client.unsubscribe('chat/' + room); },
      post: function (room, text) { return client.command({ command: 'chatPost', room: room, text: text }); },
      history: function (room) { return client.command({ command: 'chatHistory', room: room }); },
    };
  }

  CryptoWebSocketClient.prototype.isConnected = function () {
    return this.connected;
  };

  /* Re-renders the status bar (after a page changes its language). */
  CryptoWebSocketClient.prototype.renderStatus = function () {
    if (this.dom) this.dom.render(false);
  };

  CryptoWebSocketClient.prototype.close = function () {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    var c = this.mqtt;
    this.mqtt = null;
    var was = this.connected;
    this.connected = false;
    if (c) c.end(true);
    for (var id in this.pending) {
      clearTimeout(this.pending[id].timer);
      this.pending[id].reject(new Error('nabz: client closed'));
    }
    this.pending = {};
    this.waiting = [];
    this._setState('offline');
    if (was) this._emit('disconnected', { type: 'disconnected', data: { closed: true }, ts: new Date().toISOString() });
  };

  CryptoWebSocketClient.backoffDelay = backoffDelay;
  CryptoWebSocketClient.groupFilter = groupFilter;
  CryptoWebSocketClient.topicGroup = topicGroup;
  CryptoWebSocketClient.dataAge = dataAge;
  CryptoWebSocketClient.EVENTS = EVENTS;

  if (typeof module === 'object' && module.exports) {
    module.exports = CryptoWebSocketClient;
    return;
  }
  root.CryptoWebSocketClient = CryptoWebSocketClient;

  /* ---- the one-script-tag setup --------------------------------------- */
  var script = root.document && root.document.currentScript;
  var ds = (script && script.dataset) || {};
  if (ds.auto === 'false' || root.wsClient) return;
  var opts = { groups: ['stats'] };
  if (script && script.src) {
    // MQTT.js next to this file: works when the page embeds us from the
    // nabz host, whatever the page's own host.
    opts.mqttSrc = new URL('../vendor/mqtt.min.js', script.src).href;
  }
  if (ds.prefix) opts.prefix = ds.prefix;
  if (ds.groups) {
    ds.groups.split(',').map(function (s) { return s.trim(); }).filter(Boolean).forEach(function (g) {
      if (opts.groups.indexOf(g) < 0) opts.groups.push(g);
    });
  }
  root.wsClient = new CryptoWebSocketClient(ds.url || null, opts);
})(typeof window !== 'undefined' ? window : globalThis);
