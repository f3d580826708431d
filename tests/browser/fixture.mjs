// Fixtures for the browser tests and the dashboard benchmark: the real
// mosquitto with the real nabz plugin (its HTTP/WebSocket listener serving
// this worktree's static/ with the vendored files), a publisher with an
// account, and Debian's Chromium driven by playwright-core (never a
// downloaded browser). Every broker gets free ports and its own temporary
// directory, so tests run side by side under ctest -j.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const ARTIFACTS = process.env.NABZ_ARTIFACTS || path.join(ROOT, 'build', 'browser-artifacts');

export function pluginPath() {
  return path.resolve(process.env.NABZ_PLUGIN || path.join(ROOT, 'build', 'plugin', 'nabz_plugin.so'));
}

function ephemeralLow() {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

function tryListen(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const handedOut = new Set();

// A port free now, below the kernel's ephemeral range: a port the kernel
// picks (listen on 0) lies in that range, where the outgoing connections
// of every test running beside this one take their local ports, so a
// broker stopped and started again could find its port taken meanwhile.
// Below it only another explicit bind can take it. Random, so two test
// processes choosing at once rarely meet; never the same twice here.
export async function freePort() {
  const low = Math.min(ephemeralLow(), 65536);
  const first = low > 12288 ? 10240 : 1024;
  for (let i = 0; i < 200; i++) {
    const port = first + Math.floor(Math.random() * (low - first));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in ${first}..${low - 1}`);
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export async function waitFor(fn, { timeout = 10000, interval = 25, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.stack : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export const PUBLISHER = { username: 'nabz-test-pub', password: 'pub-secret' };

export class Broker {
  constructor(options = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nabz-browser-'));
    this.options = options;
    this.proc = null;
    this.logPath = path.join(this.dir, 'broker.log');
  }

  async init() {
    this.port = await freePort();
    this.wsPort = await freePort();
    const pw = path.join(this.dir, 'passwd');
    fs.writeFileSync(pw, '');
    execFileSync('mosquitto_passwd', ['-b', pw, PUBLISHER.username, PUBLISHER.password]);
    const opts = {
      state_file: path.join(this.dir, 'state.json'),
      ws_listeners: `127.0.0.1:${this.wsPort}`,
      ws_broker_socket: path.join(this.dir, 'mqtt.sock'),
      web_root: path.join(ROOT, 'static'),
      publishers: PUBLISHER.username,
      services: PUBLISHER.username,
      ...this.options,
    };
    const lines = [
      'per_listener_settings false', 'allow_duplicate_messages true', 'persistence false',
      'allow_anonymous true', 'set_tcp_nodelay false', 'max_packet_size 1048576', 'user root', 'log_dest stderr',
      'log_type error', 'log_type warning', 'log_type notice',
      `listener ${this.port} 127.0.0.1`, `listener 0 ${opts.ws_broker_socket}`,
      `password_file ${pw}`, `plugin ${pluginPath()}`,
      ...Object.entries(opts).map(([k, v]) => `plugin_opt_${k} ${v}`),
    ];
    this.conf = path.join(this.dir, 'mosquitto.conf');
    fs.writeFileSync(this.conf, lines.join('\n') + '\n');
    return this;
  }

  get url() { return `http://127.0.0.1:${this.wsPort}`; }

  async start() {
    if (!this.conf) await this.init();
    const log = fs.openSync(this.logPath, 'a');
    this.proc = spawn(process.env.NABZ_MOSQUITTO || '/usr/sbin/mosquitto', ['-c', this.conf],
      { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const proc = this.proc;
    let exited = null;
    proc.once('exit', (code, sig) => { exited = `${code ?? sig}`; });
    await waitFor(async () => {
      if (exited !== null) throw new Error(`broker exited (${exited}):\n${this.readLog()}`);
      return (await canConnect(this.port)) && (await canConnect(this.wsPort));
    }, { timeout: 15000, what: 'the broker to listen' });
    return this;
  }

  async stop() {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 15000);
    await gone;
    clearTimeout(t);
  }

  readLog() {
    try { return fs.readFileSync(this.logPath, 'utf8'); } catch { return ''; }
  }

  async stats() {
    const r = await fetch(`${this.url}/api/stats`);
    return r.json();
  }

  /* A connected MQTT.js client over TCP with the publisher account (a
   * service: not counted as a user). */
  async publisher() {
    const c = mqtt.connect(`mqtt://127.0.0.1:${this.port}`, {
      ...PUBLISHER, clientId: `nabz-test-pub-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 0, connectTimeout: 5000,
    });
    await new Promise((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
    return c;
  }

  async cleanup() {
    await this.stop();
    if (!process.env.NABZ_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function publish(client, topic, type, data, opts = {}) {
  const { ts, ...pubOpts } = opts;
  const payload = JSON.stringify({ type, data, ts: ts || new Date().toISOString() });
  return new Promise((resolve, reject) => client.publish(topic, payload, { qos: 1, ...pubOpts }, (e) => (e ? reject(e) : resolve())));
}

export function priceData(symbol, price, extra = {}) {
  return {
    symbol, price_usd: price, price_irt: price * 60000, change_24h_pct: 1.25,
    source: 'consensus', agreeing: 3, divergent: false, stale: false,
    sources: { binance: { price_usd: price }, kraken: { price_usd: price }, coinbase: { price_usd: price } },
    source_ts: new Date().toISOString(), age_s: 0, ...extra,
  };
}

/* Debian's Chromium with a fresh profile; never a downloaded browser. */
export async function launchBrowser() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nabz-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.NABZ_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-renderer-backgrounding', '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows'],
    viewport: { width: 1280, height: 900 },
  });
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.stack || e}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    errors,
    async newPage() { return context.newPage(); },
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/* One broker, one browser and a publisher shared by a test file's tests
 * (node:test's before and after): the returned object holds them once
 * before() has run; seed(env), when given, publishes what the tests start
 * from. */
export function sharedSetup(seed) {
  const env = {};
  before(async () => {
    env.broker = await new Broker().start();
    env.browser = await launchBrowser();
    env.pub = await env.broker.publisher();
    if (seed) await seed(env);
  });
  after(async () => {
    env.pub?.end(true);
    await env.browser?.close();
    await env.broker?.cleanup();
  });
  return env;
}
