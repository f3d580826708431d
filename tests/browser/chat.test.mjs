// The dashboard's chat panel: two pages talk through the plugin, a message
// is text and never markup (no element made, no script run), mixed
// Persian/English keeps each part's direction, a page opened later shows
// the room's recent at once, and the plugin's refusals are said.
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/chat.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { sharedSetup, waitFor, screenshot } from './fixture.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const env = sharedSetup();

async function open(lang, name, theme = 'light') {
  const p = await env.browser.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.errors = errors;
  await p.goto(`${env.broker.url}/?lang=${lang}&theme=${theme}`);
  await waitFor(() => p.evaluate(() => document.documentElement.classList.contains('dashboard-ready')
    && window.wsClient.isConnected() && !!window.wsClient.session), { what: 'dashboard ready' });
  if (name) {
    await p.fill('#chat-name', name);
    await p.dispatchEvent('#chat-name', 'change');
    await waitFor(() => p.evaluate((n) => window.wsClient.session
      && window.wsClient.session.metadata.display_name === n, name), { what: 'name sent' });
  }
  return p;
}

async function send(p, text) {
  await p.fill('#chat-text', text);
  await p.click('#chat-send');
}

const texts = (p) => p.$$eval('#chat-log li .chat-text', (els) => els.map((e) => e.textContent));

const INJECT = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '"><svg onload=window.__pwned=3>',
];

test('two pages talk; markup in a message is shown as text and runs nothing', { timeout: 60000 }, async () => {
  const a = await open('fa', 'سارا');
  const b = await open('en', 'Bob');
  for (const t of INJECT) await send(a, t);
  await waitFor(async () => (await texts(b)).length >= INJECT.length, { what: 'messages at b' });
  assert.deepEqual((await texts(b)).slice(-INJECT.length), INJECT);
  assert.deepEqual((await texts(a)).slice(-INJECT.length), INJECT);
  for (const p of [a, b]) {
    const made = await p.evaluate(() => ({
      img: document.querySelectorAll('#chat-log img').length,
      script: document.querySelectorAll('#chat-log script').length,
      svg: document.querySelectorAll('#chat-log svg').length,
      pwned: window.__pwned,
    }));
    assert.deepEqual(made, { img: 0, script: 0, svg: 0, pwned: undefined });
    assert.deepEqual(p.errors, []);
  }
  // The name is the plugin's stamp of a's hello, isolated as its own bidi run.
  const meta = await b.$eval('#chat-log li:last-child .chat-name', (e) => ({ tag: e.tagName, text: e.textContent }));
  assert.deepEqual(meta, { tag: 'BDI', text: 'سارا' });
  // b answers; a sees it, and the box was emptied after the post.
  await send(b, 'hi Sara');
  await waitFor(async () => (await texts(a)).includes('hi Sara'), { what: 'answer at a' });
  // emptied when the plugin's answer to chatPost arrives, which may come after a saw the message
  await waitFor(async () => (await b.inputValue('#chat-text')) === '', { what: 'post box emptied' });
  await a.close();
  await b.close();
});

test('what is typed while a post is on its way is kept, and Enter then sends nothing twice', { timeout: 60000 }, async () => {
  const p = await open('en', 'Typist');
  // Hold the first chatPost until the test lets it through.
  await p.evaluate(() => {
    const post = window.wsClient.chat.post;
    window.__posts = [];
    window.__hold = true;
    window.wsClient.chat.post = (room, text) => {
      window.__posts.push(text);
      if (!window.__hold) return post(room, text);
      return new Promise((resolve, reject) => {
        window.__release = () => { window.__hold = false; post(room, text).then(resolve, reject); };
      });
    };
  });
  await send(p, 'first');
  await p.fill('#chat-text', 'second, typed meanwhile');
  await p.press('#chat-text', 'Enter');              // while 'first' is on its way: ignored
  assert.deepEqual(await p.evaluate(() => window.__posts), ['first']);
  await p.evaluate(() => window.__release());
  await waitFor(async () => (await texts(p)).includes('first'), { what: 'first shown' });
  await waitFor(() => p.isEnabled('#chat-send'), { what: 'send button back' });
  assert.equal(await p.inputValue('#chat-text'), 'second, typed meanwhile');
  await p.press('#chat-text', 'Enter');
  await waitFor(async () => (await texts(p)).includes('second, typed meanwhile'), { what: 'second shown' });
  assert.deepEqual(await p.evaluate(() => window.__posts), ['first', 'second, typed meanwhile']);
  await p.close();
});

test('mixed Persian and English text keeps each direction', { timeout: 60000 }, async () => {
  const p = await open('fa', 'مریم');
  const fa = 'قیمت BTC امروز ۹۷٬۰۰۰ دلار است';
  const en = 'BTC is up ۵٪ today, عالی';
  await send(p, fa);
  await send(p, en);
  await waitFor(async () => (await texts(p)).includes(en), { what: 'both shown' });
  const dirs = await p.$$eval('#chat-log li .chat-text', (els) => els.slice(-2).map((e) => ({
    dir: e.getAttribute('dir'), rtl: e.matches(':dir(rtl)'), text: e.textContent })));
  assert.deepEqual(dirs, [{ dir: 'auto', rtl: true, text: fa }, { dir: 'auto', rtl: false, text: en }]);
  assert.equal(await p.evaluate(() => document.documentElement.dir), 'rtl');
  await screenshot(p, 'chat-fa');
  await p.close();
});

test('a page opened later shows the room at once; rooms come from the stats', { timeout: 60000 }, async () => {
  const a = await open('en', 'Early');
  await send(a, 'first in general');
  await waitFor(async () => (await texts(a)).includes('first in general'), { what: 'posted' });
  const late = await open('en');
  await waitFor(async () => (await texts(late)).includes('first in general'), { what: 'recent at the late page', timeout: 3000 });
  assert.equal(await late.isHidden('#chat-empty'), true);
  // The stats name the config's rooms; each is a button, the open one pressed.
  await waitFor(async () => (await late.$$('#chat-rooms button')).length === 4, { what: 'room buttons' });
  const rooms = await late.$$eval('#chat-rooms button', (bs) => bs.map((b) => [b.dataset.room, b.getAttribute('aria-pressed')]));
  assert.deepEqual(rooms, [['general', 'true'], ['BTC', 'false'], ['fa', 'false'], ['en', 'false']]);
  // Another room is another conversation: empty here.
  await late.click('#chat-rooms button[data-room="BTC"]');
  await waitFor(async () => (await texts(late)).length === 0 && await late.isVisible('#chat-empty'), { what: 'BTC room empty' });
  await send(late, 'to the BTC room');
  await waitFor(async () => (await texts(late)).includes('to the BTC room'), { what: 'posted in BTC' });
  assert.equal((await texts(a)).includes('to the BTC room'), false);
  await a.close();
  await late.close();
});

test('refusals are said in the page language', { timeout: 60000 }, async () => {
  const p = await open('fa');
  await send(p, 'zang\u0007');
  await waitFor(() => p.isVisible('#chat-error'), { what: 'error shown' });
  assert.match(await p.textContent('#chat-error'), /نویسه/);
  assert.equal(await p.inputValue('#chat-text'), 'zang\u0007');   // nothing lost
  // Too long (in bytes) is caught before sending, and the counter says so.
  await p.fill('#chat-text', 'ب'.repeat(260));
  assert.equal(await p.evaluate(() => document.getElementById('chat-limit').classList.contains('over')), true);
  await p.click('#chat-send');
  assert.match(await p.textContent('#chat-error'), /بلند/);
  await p.close();
});

for (const [lang, theme] of [['fa', 'dark'], ['en', 'light']]) {
  test(`the panel with messages and an error shown: no WCAG 2.1 AA violation (${lang}, ${theme})`, { timeout: 60000 }, async () => {
    const p = await open(lang, 'Axe ' + lang, theme);
    await send(p, 'checked by axe: ' + lang);
    await waitFor(async () => (await texts(p)).includes('checked by axe: ' + lang), { what: 'message shown' });
    await send(p, 'bad\u0007');
    await waitFor(() => p.isVisible('#chat-error'), { what: 'error shown' });
    await p.addScriptTag({ path: AXE });
    const v = await p.evaluate(async () => {
      const r = await window.axe.run(document.getElementById('chat'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((x) => ({ id: x.id, nodes: x.nodes.slice(0, 4).map((n) => n.target.join(' ')) }));
    });
    assert.deepEqual(v, [], JSON.stringify(v, null, 1));
    await p.close();
  });
}
