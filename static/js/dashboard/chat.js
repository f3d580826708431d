/*
 * The chat panel: room buttons, the open room's messages, the post box.
 *
 * A message is text from anyone: it is only ever put on the page with
 * textContent (never innerHTML), so "<img onerror=...>" shows as those
 * characters and runs nothing. Each name and text is its own bidi
 * isolate (<bdi>, dir="auto"): a Persian name beside English text, or an
 * English word inside Persian, keeps its own direction and never reorders
 * its neighbours (the plugin also refuses the bidi override characters).
 *
 * The rooms are the keys of the stats' chat_rooms (the plugin's config);
 * the page reads one room at a time (chat/<room>/#: its recent, retained,
 * arrives at once, then each message and removal).
 */
import { t, fmtInt, fmtTime } from './i18n.js';
import { $ } from './dom.js';

const MAX_BYTES = 500;          // the plugin's default chat_max_bytes; it has the last word
const KEEP = 200;               // messages kept on the page per room
const ROOM = /^[A-Za-z0-9_-]{1,32}$/;
const encoder = new TextEncoder();

export class Chat {
  constructor(client, store) {
    this.client = client;
    this.store = store;
    this.rooms = ['general'];
    this.audience = {};
    const saved = store.get('nabz.chat_room');
    this.room = saved && ROOM.test(saved) ? saved : 'general';
    this.messages = new Map();  // room -> [message data], oldest first
    this.lastError = null;
    this.sending = false;

    const name = store.get('nabz.chat_name');
    if (name) { $('chat-name').value = name; client.setDisplayName(name); }
    $('chat-name').addEventListener('change', () => {
      const v = $('chat-name').value.trim();
      store.set('nabz.chat_name', v);
      client.setDisplayName(v);
    });
    $('chat-text').addEventListener('input', () => this.paintLimit());
    $('chat-text').addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line (as in most chats).
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.send(); }
    });
    $('chat-form').addEventListener('submit', (e) => { e.preventDefault(); this.send(); });

    client.on('chat_recent', (m) => this.recent(m.data));
    client.on('chat_message', (m) => this.message(m.data));
    client.on('chat_removed', (m) => this.removed(m.data));
    client.chat.join(this.room);
  }

  /* The stats name the rooms and their audiences. */
  stats(s) {
    const rooms = s && s.chat_rooms && typeof s.chat_rooms === 'object' ? Object.keys(s.chat_rooms).filter((r) => ROOM.test(r)) : null;
    if (!rooms || !rooms.length) return;
    this.audience = s.chat_rooms;
    const changed = rooms.join(' ') !== this.rooms.join(' ');
    this.rooms = rooms;
    if (!rooms.includes(this.room)) this.open(rooms[0]);
    else if (changed) this.paintRooms();
    else this.paintAudience();
  }

  open(room) {
    if (room === this.room) return;
    this.client.chat.leave(this.room);
    this.room = room;
    this.store.set('nabz.chat_room', room);
    this.client.chat.join(room);
    this.paint();
  }

  list(room) {
    if (!this.messages.has(room)) this.messages.set(room, []);
    return this.messages.get(room);
  }

  recent(d) {
    if (!d || typeof d.room !== 'string' || !Array.isArray(d.messages)) return;
    this.messages.set(d.room, d.messages.filter(valid).slice(-KEEP));
    if (d.room === this.room) this.paintLog();
  }

  message(d) {
    if (!valid(d)) return;
    const list = this.list(d.room);
    if (list.some((m) => m.id === d.id)) return;
    list.push(d);
    if (list.length > KEEP) list.shift();
    if (d.room === this.room) {
      $('chat-log').appendChild(this.item(d));
      while ($('chat-log').children.length > KEEP) $('chat-log').firstElementChild.remove();
      $('chat-empty').hidden = true;
      this.scroll();
    }
  }

  removed(d) {
    if (!d || typeof d.room !== 'string' || typeof d.id !== 'string') return;
    const list = this.list(d.room);
    const i = list.findIndex((m) => m.id === d.id);
    if (i >= 0) list.splice(i, 1);
    if (d.room === this.room) {
      for (const li of $('chat-log').children) if (li.dataset.id === d.id) li.remove();
      $('chat-empty').hidden = list.length > 0;
    }
  }

  async send() {
    const box = $('chat-text');
    const text = box.value;
    // One post at a time: Enter pressed again while one is on its way
    // (the button is disabled, the key is not) would send it twice.
    if (this.sending || !text.trim()) return;
    const bytes = encoder.encode(text).length;
    if (bytes > MAX_BYTES) { this.showError('Text too long'); return; }
    this.sending = true;
    $('chat-send').disabled = true;
    try {
      await this.client.chat.post(this.room, text);
      // Emptied only if it still holds what was sent: the next message,
      // typed while this one was on its way, is the user's and stays.
      if (box.value === text) box.value = '';
      this.showError(null);
    } catch (e) {
      this.showError(e.code || 'timeout');
    } finally {
      this.sending = false;
      $('chat-send').disabled = false;
      this.paintLimit();
      box.focus();
    }
  }

  /* The plugin's fixed error strings, said in the page's language. */
  showError(code) {
    this.lastError = code;
    const el = $('chat-error');
    el.hidden = !code;
    el.textContent = code ? t(ERRORS[code] || 'chat_err_other', { e: code }) : '';
  }

  item(d) {
    const li = document.createElement('li');
    li.dataset.id = d.id;
    const head = document.createElement('div');
    head.className = 'chat-meta';
    const name = document.createElement('bdi');
    name.className = 'chat-name';
    name.textContent = d.name;
    name.title = d.session_id;
    const time = document.createElement('time');
    time.dateTime = d.ts;
    time.textContent = fmtTime(d.ts);
    head.append(name, ' ', time);
    const text = document.createElement('p');
    text.className = 'chat-text';
    text.dir = 'auto';
    text.textContent = d.text;
    li.append(head, text);
    return li;
  }

  paint() {
    this.paintRooms();
    this.paintLog();
    this.paintLimit();
    $('chat-text').setAttribute('aria-label', t('chat_text_in', { r: this.room }));
    if (this.lastError) this.showError(this.lastError);
  }

  paintRooms() {
    const bar = $('chat-rooms');
    bar.replaceChildren(...this.rooms.map((r) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'chat-room';
      b.dataset.room = r;
      b.setAttribute('aria-pressed', r === this.room ? 'true' : 'false');
      const label = document.createElement('bdi');
      label.textContent = roomName(r);
      const count = document.createElement('span');
      count.className = 'chat-count';
      b.append(label, ' ', count);
      b.addEventListener('click', () => this.open(r));
      return b;
    }));
    this.paintAudience();
  }

  paintAudience() {
    for (const b of $('chat-rooms').children) {
      const n = this.audience[b.dataset.room];
      const c = b.querySelector('.chat-count');
      c.textContent = typeof n === 'number' ? '(' + fmtInt(n) + ')' : '';
      c.title = typeof n === 'number' ? t('chat_audience', { n: fmtInt(n) }) : '';
    }
  }

  paintLog() {
    const list = this.list(this.room);
    $('chat-log').replaceChildren(...list.map((m) => this.item(m)));
    $('chat-empty').hidden = list.length > 0;
    this.scroll();
  }

  paintLimit() {
    const n = encoder.encode($('chat-text').value).length;
    const el = $('chat-limit');
    el.textContent = t('chat_limit', { n: fmtInt(n), max: fmtInt(MAX_BYTES) });
    el.classList.toggle('over', n > MAX_BYTES);
  }

  scroll() {
    const box = $('chat-scroll');
    box.scrollTop = box.scrollHeight;
  }
}

const ERRORS = {
  'Chat disabled': 'chat_err_disabled',
  'Unknown room': 'chat_err_room',
  'Invalid text': 'chat_err_text',
  'Text too long': 'chat_err_long',
  'Text contains control characters': 'chat_err_control',
  'Chat rate limit exceeded': 'chat_err_rate',
  'Chat rate limit exceeded for this address': 'chat_err_rate',
  'Rate limit exceeded': 'chat_err_rate',
  'Muted': 'chat_err_muted',
  timeout: 'chat_err_timeout',
};

/* The rooms of the default config get a name in each language; others show as they are. */
function roomName(r) {
  const key = 'chat_room_' + r;
  const s = t(key);
  return s === key ? r : s;
}

function valid(d) {
  return d && typeof d.id === 'string' && typeof d.room === 'string' && typeof d.text === 'string'
    && typeof d.name === 'string';
}
