// Dashboard benchmark: publish -> DOM latency and the page's memory.
//   node bench/bench_dashboard.mjs [--updates 10000] [--latency 200]
// Needs a build (NABZ_PLUGIN, default build/plugin/nabz_plugin.so), the
// npm packages and Debian's chromium (scripts/deps.sh test).
//
// 1. Latency: a publisher (MQTT over TCP, as the bridge) sends one
//    price_update at a time; a MutationObserver in the page stamps the
//    moment the price cell changes. Both stamps are epoch ms from
//    performance.timeOrigin + performance.now(), on the same machine.
// 2. Memory: N updates over 20 symbols (2 charted), with a news item every
//    20 and an alert every 100, paced at ~1000/s; JS heap after a forced GC
//    (CDP HeapProfiler.collectGarbage + Runtime.getHeapUsage) and DOM node
//    count, at 1k and every later 1k up to N.
import { performance } from 'node:perf_hooks';
import { Broker, launchBrowser, publish, priceData, waitFor } from '../tests/browser/fixture.mjs';

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const UPDATES = arg('--updates', 10000);
const LATENCY_N = arg('--latency', 200);
const now = () => performance.timeOrigin + performance.now();
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const broker = await new Broker().start();
const browser = await launchBrowser();
const pub = await broker.publisher();
try {
  const page = await browser.newPage();
  await page.goto(`${broker.url}/?lang=en`);
  await waitFor(() => page.evaluate(() => document.documentElement.classList.contains('dashboard-ready') && window.wsClient.isConnected()), { what: 'dashboard' });
  await page.evaluate(() => localStorage.setItem('nabz.charts', '["BTC","ETH"]'));

  // --- latency ---------------------------------------------------------
  // retained: 'dashboard-ready' does not mean the page's SUBSCRIBE has
  // reached the broker yet, and a live message before it would be lost
  await publish(pub, 'crypto/prices/BENCH', 'price_update', priceData('BENCH', 1), { qos: 0, retain: true });
  await waitFor(() => page.evaluate(() => !!document.querySelector('#price-rows tr[data-symbol="BENCH"] .price-usd')), { what: 'BENCH row' });
  await page.evaluate(() => {
    window.__seen = new Map();
    const cellEl = document.querySelector('#price-rows tr[data-symbol="BENCH"] .price-usd');
    new MutationObserver(() => {
      const t = performance.timeOrigin + performance.now();
      const v = cellEl.textContent;
      if (!window.__seen.has(v)) window.__seen.set(v, t);
    }).observe(cellEl, { childList: true, characterData: true, subtree: true });
  });
  const lat = [];
  for (let i = 0; i < LATENCY_N; i++) {
    const price = 1000 + i;
    const label = '$' + price.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const t0 = now();
    await publish(pub, 'crypto/prices/BENCH', 'price_update', priceData('BENCH', price), { qos: 0 });
    const t1 = await waitFor(() => page.evaluate((l) => window.__seen.get(l), label), { interval: 2, what: `update ${i}` });
    lat.push(t1 - t0);
    await sleep(5);
  }
  console.log(`publish -> DOM latency over ${LATENCY_N} updates: p50 ${pct(lat, 50).toFixed(2)} ms, ` +
    `p99 ${pct(lat, 99).toFixed(2)} ms, max ${Math.max(...lat).toFixed(2)} ms (target p99 < 50 ms)`);

  // --- memory ------------------------------------------------------------
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    return { heapMiB: usedSize / 1048576, nodes: m.Nodes, listeners: m.JSEventListeners };
  };
  const symbols = Array.from({ length: 20 }, (_, i) => (i === 0 ? 'BTC' : i === 1 ? 'ETH' : `SYM${i}`));
  const samples = [];
  const t0 = Date.now();
  let seq = 0;
  for (let done = 0; done < UPDATES;) {
    const batch = [];
    for (let k = 0; k < 100 && done < UPDATES; k++, done++) {
      const sym = symbols[done % symbols.length];
      batch.push(publish(pub, `crypto/prices/${sym}`, 'price_update',
        priceData(sym, 100 + Math.sin(done / 50) * 10 + (done % 7), { change_24h_pct: (done % 11) - 5 }), { qos: 0 }));
      if (done % 20 === 0) batch.push(publish(pub, 'crypto/news', 'news', { id: `bench-${seq++}`, title: `News ${done}`, source: 'bench', summary: 'x'.repeat(200) }));
      if (done % 100 === 0) batch.push(publish(pub, 'crypto/alerts', 'alert', { symbol: sym, rule: `r${done}`, message: `${sym} alert ${done}` }));
    }
    await Promise.all(batch);
    await sleep(100);   // ~1000 updates/s
    if (done % 1000 === 0) {
      await waitFor(() => page.evaluate((n) => document.getElementById('news-list').textContent.includes(`News ${n}`), done - 20), { what: 'page caught up' });
      const m = await measure();
      samples.push({ updates: done, ...m });
      console.log(`after ${String(done).padStart(6)} updates: JS heap ${m.heapMiB.toFixed(2)} MiB, DOM nodes ${m.nodes}, listeners ${m.listeners}`);
    }
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  console.log(`memory: heap ${first.heapMiB.toFixed(2)} MiB at ${first.updates} -> ${last.heapMiB.toFixed(2)} MiB at ${last.updates} ` +
    `(${(last.heapMiB - first.heapMiB >= 0 ? '+' : '')}${(last.heapMiB - first.heapMiB).toFixed(2)} MiB), DOM nodes ${first.nodes} -> ${last.nodes}; ` +
    `${UPDATES} updates in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const errs = browser.errors;
  if (errs.length) console.log('console errors:', errs);
} finally {
  pub.end(true);
  await browser.close();
  await broker.cleanup();
}
