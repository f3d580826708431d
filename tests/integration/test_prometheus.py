"""The monitoring shipped in deploy/: the alerting rules pass promtool's
checks and unit tests; Debian's Prometheus scrapes a running nabz, stores
its nabz_* series with the values /api/stats shows, loads the rules and
raises an alert when its condition holds; the Grafana dashboard is
well formed and every query in it (and in the rules) names only metrics
the plugin's /metrics exports.

Needs Debian's prometheus package (scripts/deps.sh test): without it
these tests fail, they do not skip."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

from feed_traffic import Traffic, http_text, metric_types, price_payload, sources_payload, start_broker
from nabz_broker import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.abspath(os.path.join(HERE, "..", "..", "deploy"))
RULES = os.path.join(DEPLOY, "prometheus", "nabz.rules.yml")
RULES_TEST = os.path.join(DEPLOY, "prometheus", "nabz.rules.test.yml")
CONFIG_EXAMPLE = os.path.join(DEPLOY, "prometheus", "prometheus.yml.example")
DASHBOARD = os.path.join(DEPLOY, "grafana", "nabz-dashboard.json")
PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
ALERTS = {"NabzBrokerDown", "NabzNoPrices", "NabzSourceDown", "NabzSlowConsumersCutOff",
          "NabzWebSocketConnectionsNearLimit", "NabzTcpConnectionsNearLimit", "NabzStalePrices"}


def need(path):
    assert os.access(path, os.X_OK), "%s missing: install Debian's prometheus (scripts/deps.sh test)" % path


def promtool(*args, cwd=None):
    need(PROMTOOL)
    started = time.time()
    out = subprocess.run([PROMTOOL] + list(args), cwd=cwd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, "promtool %s:\n%s%s" % (" ".join(args), out.stdout, out.stderr)
    print("promtool %s: %.2f s" % (args[0] + " " + args[1], time.time() - started))
    return out.stdout


# -- PromQL: the metric names an expression reads ----------------------------

KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "atan2", "inf", "nan"}


def metric_names(expr):
    """The metric names in a PromQL expression: strings, label matchers
    ({...}), ranges and subqueries ([...]), grouping lists (by/without/on/
    ignoring/group_left/group_right (...)) and Grafana's $variables go
    first; what is left are names, function and aggregation calls (a name
    followed by "(", or an aggregation by "by"/"without"), keywords and numbers (durations included). A
    selector written {__name__="x"} names x."""
    names = set(re.findall(r'__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"', expr))
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    e = re.sub(r"\{[^{}]*\}", " ", e)
    e = re.sub(r"\[[^\[\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", r" \1 ", e)
    e = re.sub(r"\$\{?\w+\}?", " ", e)
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\(|\s+(?:by|without)\b)?", e):
        word, call = m.group(1), m.group(2)
        # a call, or an aggregation written "sum by (...) (...)"
        if call or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def test_metric_names_parser():
    """The parser the checks below rely on: it must find every name, and
    only names, or those checks would pass on nothing."""
    rows = [
        ('up{job="nabz"} == 0', {"up"}),
        ('sum by (client_type) (nabz_connections{job="nabz",scope!="cluster"})', {"nabz_connections"}),
        ('sum(rate(nabz_ws_bytes_total{direction="out"}[$__rate_interval]))', {"nabz_ws_bytes_total"}),
        ('increase(a_total[10m]) == 0 and on (instance, job) b_seconds > 600', {"a_total", "b_seconds"}),
        ('x / on(instance) group_left(node) y', {"x", "y"}),
        ('max by (symbol) (time() - p{l="a(b) or c{d}"}) unless ignoring(z) q offset 5m', {"p", "q"}),
        ('rate(m[5m:30s]) * 60 > 1e3', {"m"}),
        ('{__name__="named_metric",job="nabz"}', {"named_metric"}),
        ('histogram_quantile(0.9, sum by (le) (rate(h_bucket[1m])))', {"h_bucket"}),
        ('vector(1) + scalar(s) - count without (a, b) (c)', {"s", "c"}),
        ('time() - x{instance=~"$instance"} > bool 600', {"x"}),
    ]
    for expr, want in rows:
        assert metric_names(expr) == want, (expr, metric_names(expr))


# -- promtool --------------------------------------------------------------

def test_promtool_checks_and_unit_tests_the_rules():
    out = promtool("check", "rules", RULES)
    assert "SUCCESS: %d rules found" % len(ALERTS) in out, out
    out = promtool("test", "rules", os.path.basename(RULES_TEST), cwd=os.path.dirname(RULES_TEST))
    assert "SUCCESS" in out, out
    # every rule has a unit test
    tested = set(re.findall(r"alertname: (\w+)", open(RULES_TEST).read()))
    assert tested == ALERTS, tested ^ ALERTS
    # the sample scrape config, with its rule file where this checkout has it
    with tempfile.TemporaryDirectory(prefix="nabz-prom-") as d:
        conf = open(CONFIG_EXAMPLE).read()
        assert "/usr/share/nabz/prometheus/nabz.rules.yml" in conf
        path = os.path.join(d, "prometheus.yml")
        with open(path, "w") as f:
            f.write(conf.replace("/usr/share/nabz/prometheus/nabz.rules.yml", RULES))
        promtool("check", "config", path)


def test_every_rule_has_for_severity_and_what_to_do():
    """Structure the operator relies on, read from the file as written."""
    text = open(RULES).read()
    blocks = re.split(r"\n      - alert: ", text)[1:]
    assert {b.split("\n", 1)[0] for b in blocks} == ALERTS
    for b in blocks:
        name = b.split("\n", 1)[0]
        assert re.search(r"\n        for: \d+[smh]\n", b), name
        assert re.search(r"\n          severity: (critical|warning)\n", b), name
        assert "summary:" in b and "description:" in b, name
        assert 'job="nabz"' in b, name


# -- Prometheus against a running nabz ---------------------------------------

class Prometheus:
    def __init__(self, targets, rule_files):
        need(PROMETHEUS)
        self.dir = tempfile.mkdtemp(prefix="nabz-prometheus-")
        self.conf = os.path.join(self.dir, "prometheus.yml")
        lines = ["global:", "  scrape_interval: 1s", "  evaluation_interval: 1s", "rule_files:"]
        lines += ["  - %s" % r for r in rule_files]
        lines += ["scrape_configs:", "  - job_name: nabz", "    scrape_interval: 1s",
                  "    static_configs:", "      - targets: [%s]" % ", ".join('"%s"' % t for t in targets)]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None
        self.log_path = os.path.join(self.dir, "prometheus.log")

    def start(self):
        for attempt in range(4):
            self.port = free_port()
            self.log = open(self.log_path, "ab")
            self.proc = subprocess.Popen([PROMETHEUS, "--config.file=" + self.conf,
                                          "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                                          "--web.listen-address=127.0.0.1:%d" % self.port],
                                         stdout=self.log, stderr=subprocess.STDOUT)
            deadline = time.time() + 30
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with urllib.request.urlopen("http://127.0.0.1:%d/-/ready" % self.port, timeout=1) as r:
                        if r.status == 200:
                            return self
                except OSError:
                    pass
                time.sleep(0.1)
            self.stop()
            if "address already in use" not in self.read_log():
                break
        raise RuntimeError("prometheus did not start:\n" + self.read_log())

    def api(self, path, **params):
        url = "http://127.0.0.1:%d/api/v1/%s" % (self.port, path)
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.loads(r.read())
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr):
        return self.api("query", query=expr)["result"]

    def value(self, expr):
        """The one sample expr gives now, or None."""
        result = self.query(expr)
        assert len(result) <= 1, (expr, result)
        return float(result[0]["value"][1]) if result else None

    def wait(self, what, fn, timeout=20.0):
        deadline = time.time() + timeout
        while True:
            got = fn()
            if got:
                return got
            if time.time() > deadline:
                raise AssertionError("waited %.0f s for %s" % (timeout, what))
            time.sleep(0.2)

    def read_log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


@pytest.fixture
def prometheus_factory(request):
    started = []

    def make(*args, **kwargs):
        p = Prometheus(*args, **kwargs)
        started.append(p)
        return p.start()

    yield make
    for p in started:
        p.stop()
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            print("\n----- prometheus log -----\n" + p.read_log())
        shutil.rmtree(p.dir, ignore_errors=True)


def fast_copy_of_rules(directory):
    """The shipped rules with every `for:` at 1 s, in a group of their own:
    the test sees an alert fire in seconds while the shipped file, loaded
    beside it unchanged, shows the same alert pending."""
    text = open(RULES).read()
    text = re.sub(r"\n  - name: nabz\n", "\n  - name: nabz-fast-test-copy\n", text)
    text = re.sub(r"\n        for: \d+[smh]\n", "\n        for: 1s\n", text)
    path = os.path.join(directory, "nabz-fast.rules.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def test_prometheus_scrapes_nabz_and_alerts(broker_factory, prometheus_factory, tmp_path):
    b = start_broker(broker_factory, ws_max_connections="50", tcp_max_connections="40")
    t = Traffic(b, subscribers=3)
    try:
        source_t = time.time() - 30
        t.publish("crypto/prices/BTC", price_payload("BTC", source_t))
        t.publish("crypto/sources", sources_payload({"binance": "ok", "kraken": "down"}, last_success=source_t))
        scrape_text = http_text(b, "/metrics")
        print("/metrics: %d bytes, %d lines" % (len(scrape_text), scrape_text.count("\n")))
        # the exposition format as Prometheus' own linter reads it
        need(PROMTOOL)
        lint = subprocess.run([PROMTOOL, "check", "metrics"], input=scrape_text, capture_output=True, text=True)
        problems = set((lint.stdout + lint.stderr).strip().splitlines())
        # 1: not parseable; 3: lint problems. The one it finds is a name
        # older than these series, kept (the contract promises it).
        assert lint.returncode in (0, 3), lint.stderr
        assert problems <= {'nabz_total_sessions counter metrics should have "_total" suffix'}, problems

        started = time.time()
        p = prometheus_factory(["127.0.0.1:%d" % b.ws_port], [RULES, fast_copy_of_rules(str(tmp_path))])
        print("prometheus ready in %.1f s" % (time.time() - started))
        p.wait("the first scrape with the price", lambda: p.query('nabz_price_received_timestamp_seconds{symbol="BTC"}'))
        print("first scrape stored %.1f s after start" % (time.time() - started))

        # the target is up, and the nabz_* series are there
        assert p.value('up{job="nabz"}') == 1
        names = {s["__name__"] for s in p.api("series", **{"match[]": '{__name__=~"nabz_.*",job="nabz"}'})}
        exported = set(metric_types(scrape_text))
        # every family has a sample here (a price and a sources message
        # were published), so every one is stored
        assert exported - names == set(), exported - names
        for n in ("nabz_active_connections", "nabz_deliveries_total", "nabz_source_up", "nabz_ws_max_connections",
                  "nabz_price_source_timestamp_seconds", "nabz_data_demo"):
            assert n in names, n

        # the values Prometheus stored are the broker's own
        stats = json.loads(http_text(b, "/api/stats"))
        assert p.value("nabz_active_connections") == stats["active_connections"] == 3
        assert p.value("nabz_unique_users") == stats["unique_users"]
        assert p.value("nabz_total_sessions") == stats["total_sessions"]
        assert p.value('nabz_group_subscribers{group="prices"}') == stats["groups"]["prices"] == 3
        assert p.value('nabz_connections{client_type="browser"}') == stats["client_types"]["browser"]
        assert p.value("nabz_ws_max_connections") == 50
        assert p.value("nabz_tcp_max_connections") == 40
        assert p.value('nabz_source_up{source="binance"}') == 1
        assert p.value('nabz_source_up{source="kraken"}') == 0
        assert p.value("nabz_data_demo") == 0
        assert abs(p.value('nabz_price_source_timestamp_seconds{symbol="BTC"}') - source_t) < 0.002
        assert p.value("nabz_deliveries_total") >= 3
        age = p.value('time() - nabz_price_source_timestamp_seconds{symbol="BTC"}')
        assert 29 <= age <= 60, age

        # every rule loaded and evaluates without error
        groups = {g["name"]: g for g in p.api("rules")["groups"]}
        assert set(groups) == {"nabz", "nabz-fast-test-copy"}, set(groups)
        assert {r["name"] for r in groups["nabz"]["rules"]} == ALERTS

        def rules():
            return [r for g in p.api("rules")["groups"] for r in g["rules"]]
        # an unevaluated rule's lastEvaluation is Go's zero time, year 1
        p.wait("every rule evaluated", lambda: all(not r["lastEvaluation"].startswith("0001") for r in rules()))
        for r in rules():
            assert r["health"] == "ok" and not r.get("lastError"), r

        # kraken is down: the fast copy fires, the shipped rule (10 m) waits
        def kraken(state_wanted, group):
            for g in p.api("rules")["groups"]:
                if g["name"] != group:
                    continue
                for r in g["rules"]:
                    for a in r.get("alerts", []):
                        if r["name"] == "NabzSourceDown" and a["labels"].get("source") == "kraken" \
                                and a["state"] == state_wanted:
                            return a
            return None
        alert = p.wait("NabzSourceDown firing (fast copy)", lambda: kraken("firing", "nabz-fast-test-copy"))
        assert alert["labels"]["severity"] == "warning"
        assert "kraken" in alert["annotations"]["summary"]
        assert kraken("pending", "nabz") is not None
        firing = {(a["labels"]["alertname"], a["labels"].get("source")) for a in p.api("alerts")["alerts"]
                  if a["state"] == "firing"}
        assert ("NabzSourceDown", "kraken") in firing
        assert ("NabzSourceDown", "binance") not in firing

        # kraken recovers: the alert resolves
        t.publish("crypto/sources", sources_payload({"binance": "ok", "kraken": "ok"}))
        p.wait("NabzSourceDown resolved", lambda: not any(
            a["labels"]["alertname"] == "NabzSourceDown" for a in p.api("alerts")["alerts"]))

        # a price the bridge marks stale: the fast copy says users see it
        t.publish("crypto/prices/BTC", price_payload("BTC", time.time(), stale=True))
        p.wait("NabzStalePrices firing for BTC", lambda: any(
            a["labels"]["alertname"] == "NabzStalePrices" and a["labels"].get("symbol") == "BTC"
            and a["state"] == "firing" for a in p.api("alerts")["alerts"]))

        # every query of the dashboard runs and finds series
        dashboard_exprs = [(panel["title"], target["expr"]) for panel in json.load(open(DASHBOARD))["panels"]
                           for target in panel["targets"]]
        for title, expr in dashboard_exprs:
            q = expr.replace("$__rate_interval", "15s").replace("$instance", ".*")
            p.wait("dashboard panel %r: %s" % (title, expr), lambda: p.query(q), timeout=10)
    finally:
        t.close()


# -- the Grafana dashboard ---------------------------------------------------

def overlaps(a, b):
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def test_dashboard_structure():
    d = json.load(open(DASHBOARD))
    assert d["title"] and re.fullmatch(r"[A-Za-z0-9_-]{1,40}", d["uid"])
    assert isinstance(d["schemaVersion"], int) and d["schemaVersion"] >= 36
    variables = {v["name"]: v for v in d["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    ids, grids = set(), []
    for p in d["panels"]:
        for key in ("id", "type", "title", "gridPos", "targets"):
            assert key in p, (p.get("title"), key)
        assert p["id"] not in ids, p["id"]
        ids.add(p["id"])
        g = p["gridPos"]
        assert all(isinstance(g[k], int) for k in "xywh") and g["w"] > 0 and g["h"] > 0, p["title"]
        assert g["x"] + g["w"] <= 24, p["title"]
        assert p["datasource"]["uid"] == "${datasource}", p["title"]
        assert p["targets"], p["title"]
        for t in p["targets"]:
            assert t["expr"].strip() and t["refId"], p["title"]
        for other_title, other in grids:
            assert not overlaps(g, other), (p["title"], other_title)
        grids.append((p["title"], g))
    text = " ".join(p["title"].lower() for p in d["panels"])
    for wanted in ("online users", "client types", "groups", "deliveries/s", "websocket bytes", "refusals",
                   "source health", "price age"):
        assert wanted in text, wanted


def test_dashboard_and_rules_name_only_exported_metrics(broker_factory):
    """Every metric any panel, template variable or rule reads is one a
    running broker's /metrics declares (# TYPE), or Prometheus' own up."""
    b = start_broker(broker_factory)
    exported = set(metric_types(http_text(b, "/metrics")))
    assert "nabz_active_connections" in exported
    d = json.load(open(DASHBOARD))
    exprs = [t["expr"] for p in d["panels"] for t in p["targets"]]
    for v in d["templating"]["list"]:
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.fullmatch(r"label_values\((.*),\s*\w+\)", q or "")
        if m:
            exprs.append(m.group(1))
    rule_exprs = re.findall(r"\n        expr: (?:>-\n((?:          .*\n)+)|(.*)\n)", open(RULES).read())
    rule_exprs = [a or b for a, b in rule_exprs]
    assert len(rule_exprs) == len(ALERTS)
    read = set()
    for expr in exprs + rule_exprs:
        names = metric_names(expr)
        assert names, expr
        unknown = names - exported - {"up"}
        assert not unknown, (expr, unknown)
        read |= names
    # the board shows what the issue asks for
    for n in ("nabz_active_connections", "nabz_connections", "nabz_group_subscribers", "nabz_deliveries_total",
              "nabz_ws_bytes_total", "nabz_ws_refused_total", "nabz_source_up",
              "nabz_price_source_timestamp_seconds"):
        assert n in read, n
