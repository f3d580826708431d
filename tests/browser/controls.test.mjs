// What a newcomer meets first in the dashboard's controls and figures:
// buttons whose accessible name is their visible text (WCAG 2.5.3) and
// whose state is said, counters that do not flash on the first paint, and
// sub-millisecond latencies that do not read "0 ms".
//   NABZ_PLUGIN=build/plugin/nabz_plugin.so node --test tests/browser/controls.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedSetup, publish, priceData, screenshot, waitFor } from './fixture.mjs';

const env = sharedSetup(async () => {
  const retained = { retain: true, qos: 0 };
  await publish(env.pub, 'crypto/prices/BTC', 'price_update', priceData('BTC', 97000.5), retained);
  await publish(env.pub, 'crypto/sources', 'sources_update', {
    demo: false,
    sources: { binance: { status: 'ok', latency_ms: 0.4, errors_total: 0, requests_total: 3 },
      kraken: { status: 'ok', latency_ms: 120.6, errors_total: 0, requests_total: 3 } },
    watching: ['BTC'], discovered: 0,
  }, retained);
});

async function open(query) {
  const p = await env.browser.newPage();
  // every class the status bar's counters ever get, from the first paint on
  await p.addInitScript(() => {
    window.nabzCountClasses = [];
    new MutationObserver((list) => {
      for (const m of list) if (m.target.id === 'active-users-count') window.nabzCountClasses.push(m.target.className);
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });
  });
  await p.goto(`${env.broker.url}/${query}`);
  await waitFor(() => p.evaluate(() => document.documentElement.classList.contains('dashboard-ready') && window.wsClient.isConnected()),
    { what: 'dashboard ready' });
  return p;
}

const nameAndText = (p, id) => p.evaluate((i) => {
  const b = document.getElementById(i);
  return { name: b.getAttribute('aria-label'), text: b.textContent.trim(), pressed: b.getAttribute('aria-pressed'), title: b.title };
}, id);

for (const lang of ['en', 'fa']) {
  test(`theme and language buttons (${lang}): the name is the visible text, the state is said`, { timeout: 60000 }, async () => {
    const p = await open(`?lang=${lang}&theme=dark`);
    let theme = await nameAndText(p, 'theme-toggle');
    // no aria-label that differs from the text: the accessible name is the text
    assert.equal(theme.name, null);
    assert.equal(theme.text, lang === 'en' ? 'Dark' : 'تیره');
    assert.equal(theme.pressed, 'true');                  // dark is on
    assert.ok(theme.title.length > 0);
    await p.click('#theme-toggle');
    theme = await nameAndText(p, 'theme-toggle');
    assert.equal(theme.pressed, 'false');
    assert.equal(theme.text, lang === 'en' ? 'Dark' : 'تیره');
    const langBtn = await nameAndText(p, 'lang-toggle');
    assert.equal(langBtn.name, null);
    assert.equal(langBtn.text, lang === 'en' ? 'فارسی' : 'English');
    await p.close();
  });
}

test('counters do not animate on the first paint; a later change does', { timeout: 60000 }, async () => {
  const p = await open('?lang=en');
  await waitFor(() => p.evaluate(() => document.getElementById('active-users-count').dataset.value !== undefined),
    { what: 'a count' });
  await new Promise((r) => setTimeout(r, 2500));
  assert.ok(!(await p.evaluate(() => window.nabzCountClasses.some((c) => c.includes('count-changed')))),
    'no count animation while the page fills');
  // another tab: the count changes later, and that change is shown
  const other = await open('?lang=en');
  await waitFor(() => p.evaluate(() => window.nabzCountClasses.some((c) => c.includes('count-changed'))),
    { what: 'the later change animates' });
  await other.close();
  await p.close();
});

test('a sub-millisecond latency reads "under 1 ms", not "0 ms"', { timeout: 60000 }, async () => {
  const p = await open('?lang=en');
  await waitFor(() => p.evaluate(() => document.querySelectorAll('#source-rows tr').length === 2), { what: 'sources' });
  const lat = await p.$$eval('#source-rows tr', (rows) => rows.map((r) => r.children[2].textContent));
  assert.deepEqual(lat, ['under 1 ms', '121 ms']);
  await p.close();
});

test('the wall display fits 1366x768 and 1920x1080: no scrolling, no cut rows, a way back', { timeout: 90000 }, async () => {
  const retained = { retain: true, qos: 0 };
  const syms = ['ETH', 'USDT', 'SOL', 'DOGE', 'TON', 'XRP', 'ADA', 'TRX', 'BNB', 'LINK', 'DOT', 'LTC'];
  for (const [i, s] of syms.entries()) {
    await publish(env.pub, `crypto/prices/${s}`, 'price_update', priceData(s, 10 + i), retained);
  }
  await publish(env.pub, 'crypto/market', 'market_update', {
    total_market_cap_usd: 3.41e12, total_volume_usd: 1.2e11, btc_dominance_pct: 56.7, usdt_irt: 61234,
    source: 'coingecko', source_ts: new Date().toISOString(),
  }, retained);
  // a day's history, so that the charts draw (a chart of one point is a note)
  for (const s of ['BTC', 'ETH']) {
    const now = Date.now();
    const points = Array.from({ length: 60 }, (_, i) => [now - (60 - i) * 60000, 100 + Math.sin(i / 5) * 3]);
    await publish(env.pub, `crypto/history/${s}`, 'price_history', { symbol: s, interval_s: 60, points }, retained);
  }
  for (const [w, h] of [[1366, 768], [1920, 1080]]) {
    for (const lang of ['en', 'fa']) {
      const p = await env.browser.newPage();
      await p.setViewportSize({ width: w, height: h });
      await p.goto(`${env.broker.url}/?display=1&lang=${lang}`);
      await waitFor(() => p.evaluate(() => document.documentElement.classList.contains('dashboard-ready')
        && document.querySelectorAll('#price-rows tr').length === 13
        && document.querySelectorAll('.chart .plot canvas').length === 2), { what: 'all rows, both charts drawn' });
      await new Promise((r) => setTimeout(r, 500));      // a frame for the fit
      const m = await p.evaluate(() => {
        const se = document.scrollingElement;
        const wrap = document.querySelector('#prices .table-wrap').getBoundingClientRect();
        const shown = [...document.querySelectorAll('#price-rows tr')].filter((r) => !r.hidden);
        const cut = shown.filter((r) => {
          const b = r.querySelector('.badge').getBoundingClientRect();
          return r.getBoundingClientRect().bottom > wrap.bottom + 0.5 || b.right > wrap.right + 0.5 || b.left < wrap.left - 0.5;
        }).map((r) => r.dataset.symbol);
        const card = (sel) => document.querySelector(sel).getBoundingClientRect();
        const exit = document.getElementById('display-exit');
        return {
          vscroll: se.scrollHeight - se.clientHeight, hscroll: se.scrollWidth - se.clientWidth,
          shown: shown.length, cut,
          audienceBottom: card('#audience').bottom, alertsBottom: card('#alerts').bottom, vh: innerHeight,
          kpi: parseFloat(getComputedStyle(document.querySelector('#market-cap')).fontSize),
          exit: exit.getClientRects().length > 0 && exit.getAttribute('href') === '/' && exit.textContent.trim(),
          plots: [...document.querySelectorAll('.chart .plot')].filter((x) => !x.hidden).map((x) => x.getBoundingClientRect().height),
        };
      });
      const what = `${w}x${h} ${lang}: ${JSON.stringify(m)}`;
      assert.ok(m.vscroll <= 0, `no vertical scroll: ${what}`);
      assert.ok(m.hscroll <= 0, `no horizontal scroll: ${what}`);
      assert.deepEqual(m.cut, [], `no row or badge cut: ${what}`);
      assert.ok(m.shown >= 5, `at least five prices: ${what}`);
      assert.ok(m.audienceBottom <= m.vh && m.alertsBottom <= m.vh, `audience and alerts above the fold: ${what}`);
      assert.ok(m.kpi >= 24, `figures readable from across a room: ${what}`);
      assert.ok(m.exit, `a way back: ${what}`);
      assert.ok(m.plots.length >= 1 && m.plots.every((x) => x >= 60), `the charts have room: ${what}`);
      await screenshot(p, `wall-${w}x${h}-${lang}`);
      await p.close();
    }
  }
});

test('test page: whole payloads, duplicates from overlapping subscriptions marked, a stats toggle, readable uptime', { timeout: 60000 }, async () => {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}/test_websocket.html`);
  await waitFor(() => p.evaluate(() => window.wsClient && window.wsClient.isConnected()), { what: 'connected' });
  assert.equal(await p.evaluate(() => window.nabzUptime(93784)), '1 d 2 h 3 min 4 s');
  assert.equal(await p.evaluate(() => window.nabzUptime(59)), '59 s');
  assert.match(await p.textContent('#stat-uptime'), /^(\d+ (d|h|min) )*\d+ s$/);
  await p.click('#toggle-all');
  await p.click('#toggle-prices');
  await new Promise((r) => setTimeout(r, 500));
  const long = 'x'.repeat(1000);
  await publish(env.pub, 'crypto/prices/LONG', 'price_update', priceData('LONG', 1.5, { note: long }), { qos: 0 });
  await waitFor(() => p.evaluate(() => [...document.querySelectorAll('#message-log li')]
    .filter((li) => li.textContent.includes('crypto/prices/LONG')).length === 2), { what: 'two copies' });
  const copies = await p.$$eval('#message-log li', (lis) => lis.filter((li) => li.textContent.includes('crypto/prices/LONG'))
    .map((li) => ({ cls: li.className, summary: li.querySelector('summary').textContent, pre: li.querySelector('pre').textContent })));
  // newest first: the second copy is marked as such, the first is not
  assert.equal(copies[0].cls, 'log-dup');
  assert.match(copies[0].summary, /again: overlapping subscriptions/);
  assert.equal(copies[1].cls, 'log-msg');
  assert.ok(JSON.parse(copies[1].pre).note === long, 'the whole payload, not cut');
  // stats: off by default, shown in the log once toggled
  assert.equal(await p.getAttribute('#toggle-stats', 'aria-pressed'), 'false');
  await p.click('#toggle-stats');
  const other = await env.browser.newPage();
  await other.goto(`${env.broker.url}/test_websocket.html`);
  await waitFor(() => p.evaluate(() => [...document.querySelectorAll('#message-log li')]
    .some((li) => li.textContent.includes('stats_update'))), { what: 'a stats message in the log' });
  await other.close();
  await p.close();
});

test('on a phone, live and stale prices differ by shape, not by colour alone', { timeout: 60000 }, async () => {
  await publish(env.pub, 'crypto/prices/OLD', 'price_update', priceData('OLD', 2.5, { stale: true, age_s: 900 }), { retain: true, qos: 0 });
  const p = await env.browser.newPage();
  await p.setViewportSize({ width: 390, height: 844 });
  await p.goto(`${env.broker.url}/?lang=fa`);
  await waitFor(() => p.evaluate(() => document.querySelector('#price-rows tr[data-symbol="OLD"] .badge.stale')
    && document.querySelector('#price-rows tr[data-symbol="BTC"] .badge.live')), { what: 'a live and a stale row' });
  const shape = (sym) => p.evaluate((s) => {
    const st = getComputedStyle(document.querySelector(`#price-rows tr[data-symbol="${s}"] .badge`));
    return { radius: st.borderTopLeftRadius, border: st.borderTopStyle, transform: st.transform, text: st.fontSize };
  }, sym);
  const live = await shape('BTC');
  const stale = await shape('OLD');
  assert.notDeepEqual({ r: live.radius, b: live.border, t: live.transform }, { r: stale.radius, b: stale.border, t: stale.transform });
  // and the words stay for screen readers
  assert.match(await p.textContent('#price-rows tr[data-symbol="OLD"] .badge'), /قدیمی/);
  await p.close();
});

test('test page in Persian: right to left, Persian words and digits, and a switch back', { timeout: 60000 }, async () => {
  const p = await env.browser.newPage();
  await p.goto(`${env.broker.url}/test_websocket.html?lang=fa`);
  await waitFor(() => p.evaluate(() => window.wsClient && window.wsClient.isConnected()
    && document.getElementById('stat-uptime').textContent !== '–'), { what: 'connected, stats shown' });
  assert.equal(await p.getAttribute('html', 'dir'), 'rtl');
  assert.match(await p.textContent('h1'), /صفحهٔ آزمایش/);
  assert.match(await p.textContent('#stat-uptime'), /^[۰-۹]+ ثانیه$|دقیقه|ساعت|روز/);
  assert.match(await p.textContent('#stat-active'), /^[۰-۹]+$/);
  assert.equal(await p.evaluate(() => window.nabzUptime(93784)), '۱ روز ۲ ساعت ۳ دقیقه ۴ ثانیه');
  await p.click('#lang-toggle');
  assert.equal(await p.getAttribute('html', 'dir'), 'ltr');
  assert.match(await p.textContent('h1'), /WebSocket test page/);
  await p.close();
});
