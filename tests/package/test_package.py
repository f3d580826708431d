"""The Debian package, installed, run, reinstalled, removed and purged on
a throwaway copy of this machine (sandbox.sh: dpkg's database, /etc, the
users and the ports 1883 and 8000 are the copy's own). In file order, each
step starting from the last one's state:

  the package's control data and lintian; a first install (users, accounts,
  passwords, conffiles, state directories, enabled units); the units
  checked by systemd-analyze (verify, and each one's security exposure);
  every unit's ExecStart run by hand as its user, as systemd would start
  it, serving; a cluster's core and edge the same way; reinstalling over
  itself keeps passwords, chats, state and edited configs; remove keeps
  data; purge deletes it; the first install on a systemd host takes 1883
  from the stock mosquitto.service, and remove gives it back.
"""
import glob
import json
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.request

import paho.mqtt.client as mqtt
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from fake_telegram import FakeTelegram  # noqa: E402
from unit_runner import UnitRun, parse_unit, last  # noqa: E402

UNITS = ["nabz-broker.service", "nabz-bridge.service", "nabz-telegram.service",
         "nabz-core.service", "nabz-edge@.service"]
ENABLED = ["nabz-broker.service", "nabz-bridge.service", "nabz-telegram.service"]
CONFFILES = ["/etc/nabz/mosquitto.conf", "/etc/nabz/bridge.json", "/etc/nabz/telegram.json"]
ACCOUNTS = ["bridge", "telegram", "edge"]
TOKEN = "123456:package-test_TOKEN"

if os.environ.get("NABZ_SANDBOX") != "1":
    pytest.exit("tests/package/ installs and purges a Debian package: run them through "
                "tests/package/sandbox.sh (ctest does), never on the host", returncode=2)


def deb():
    out = os.environ.get("NABZ_DEB_DIR", os.path.join(ROOT, "build-deb"))
    found = [p for p in glob.glob(os.path.join(out, "nabz_*.deb"))]
    assert len(found) == 1, "one nabz_*.deb in %s (scripts/package.sh %s): %s" % (out, out, found)
    return found[0]


def sh(*argv, check=True, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if check and r.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (" ".join(argv), r.returncode, r.stdout))
    return r


def dpkg(*args):
    # A tty-less dpkg never asks about a conffile: it keeps the operator's.
    return sh("dpkg", "--force-confold", *args)


def mode_owner(path):
    st = os.stat(path)
    return stat.S_IMODE(st.st_mode), pwd.getpwuid(st.st_uid).pw_name


def wait_port(port, timeout=20.0, proc=None):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.proc.poll() is not None:
            raise AssertionError("%s exited %d:\n%s" % (proc.name, proc.proc.returncode, proc.output()))
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("nothing listens on 127.0.0.1:%d after %.0f s" % (port, timeout))


def http_json(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return r.status, json.loads(r.read())


class Sub:
    """An MQTT client that keeps what it receives."""

    def __init__(self, port, topics, username=None, password=None, client_id=""):
        self.messages = []
        self.c = mqtt.Client(client_id=client_id)
        if username:
            self.c.username_pw_set(username, password)
        self.rc = None
        self.c.on_connect = self._on_connect
        self.c.on_message = lambda c, u, m: self.messages.append((m.topic, m.payload, m.retain))
        self.topics = topics
        self.c.connect("127.0.0.1", port, 30)
        self.c.loop_start()
        end = time.time() + 10
        while self.rc is None and time.time() < end:
            time.sleep(0.05)

    def _on_connect(self, c, u, flags, rc):
        self.rc = rc
        for t in self.topics:
            c.subscribe(t, 1)

    def wait(self, pred, timeout=20.0):
        end = time.time() + timeout
        while time.time() < end:
            hits = [m for m in list(self.messages) if pred(m)]
            if hits:
                return hits
            time.sleep(0.1)
        raise AssertionError("no matching message in %.0f s; got topics %s"
                             % (timeout, sorted({m[0] for m in self.messages})))

    def close(self):
        self.c.loop_stop()
        self.c.disconnect()


def read(path):
    with open(path) as f:
        return f.read()


def give_bot(token, api_base):
    """What an operator does to start the bot: its token in
    /etc/nabz/telegram.token (root's, 0600); and, for the test, the fake
    Telegram as its api_base (an edit of a conffile the next steps keep)."""
    with open("/etc/nabz/telegram.token", "w") as f:
        f.write(token + "\n")
    os.chmod("/etc/nabz/telegram.token", 0o600)
    cfg = json.loads(read("/etc/nabz/telegram.json"))
    cfg["telegram"]["api_base"] = api_base
    with open("/etc/nabz/telegram.json", "w") as f:
        json.dump(cfg, f, indent=2)


def test_fresh_machine():
    """The copy starts as a machine that never had nabz: whatever a run
    from a checkout left in /etc/nabz or /var/lib/nabz is not there."""
    for path in ("/etc/nabz", "/var/lib/nabz", "/run/nabz"):
        shutil.rmtree(path, ignore_errors=True)
    assert sh("dpkg-query", "-W", "-f=${Status}", "nabz", check=False).stdout.find("installed") < 0


def test_control_fields():
    fields = sh("dpkg-deb", "-f", deb(), "Package", "Version", "Depends", "Architecture").stdout
    depends = re.search(r"^Depends: (.*)$", fields, re.M).group(1)
    for lib in ("mosquitto (>= 2.0)", "libwebsockets17", "libcjson1", "libcurl4", "libxml2", "libuv1",
                "adduser"):
        assert lib in depends, "Depends lacks %s: %s" % (lib, depends)
    version = re.search(r"^Version: (.*)$", fields, re.M).group(1)
    cmake = re.search(r"project\(nabz VERSION ([0-9.]+)", read(os.path.join(ROOT, "CMakeLists.txt"))).group(1)
    assert version.split("-")[0] == cmake, "debian/changelog %s, CMakeLists.txt %s" % (version, cmake)


def test_lintian_clean():
    """No error or warning; what lintian says besides is printed here and
    explained in debian/README.source."""
    r = sh("lintian", "--fail-on", "error,warning", "--info", "--display-info", deb(), check=False)
    print(r.stdout)
    assert r.returncode == 0, r.stdout


def test_install():
    out = dpkg("-i", deb()).stdout
    print(out)
    for path in ("/usr/lib/nabz/nabz_plugin.so", "/usr/bin/nabz-bridge", "/usr/bin/nabz-telegram",
                 "/usr/bin/nabz-cluster-conf", "/usr/share/nabz/static/index.html",
                 "/usr/share/nabz/static/vendor/mqtt.min.js", "/usr/share/nabz/demo",
                 "/usr/share/nabz/prometheus/nabz.rules.yml", "/usr/share/nabz/prometheus/nabz.rules.test.yml",
                 "/usr/share/nabz/prometheus/prometheus.yml.example",
                 "/usr/share/doc/nabz/examples/grafana/nabz-dashboard.json",
                 "/usr/share/doc/nabz/examples/nginx/nabz.conf",
                 "/usr/share/doc/nabz/examples/haproxy/nabz.cfg"):
        assert os.path.exists(path), path
    # The shipped rules as Prometheus would load them from where they are.
    if shutil.which("promtool"):
        sh("promtool", "check", "rules", "/usr/share/nabz/prometheus/nabz.rules.yml")
        sh("promtool", "test", "rules", "nabz.rules.test.yml", cwd="/usr/share/nabz/prometheus")
    json.loads(read("/usr/share/doc/nabz/examples/grafana/nabz-dashboard.json"))
    conffiles = sh("dpkg-query", "-W", "-f=${Conffiles}", "nabz").stdout
    for path in CONFFILES:
        assert path in conffiles, "%s is not a conffile: %s" % (path, conffiles)
    # The packaged configs point at the package's paths, secrets at systemd credentials.
    conf = read("/etc/nabz/mosquitto.conf")
    assert "plugin /usr/lib/nabz/nabz_plugin.so" in conf
    assert "plugin_opt_web_root /usr/share/nabz/static" in conf
    assert "/usr/local" not in re.sub(r"(?m)^#.*$", "", conf)
    for name in ("bridge", "telegram"):
        cfg = json.loads(read("/etc/nabz/%s.json" % name))
        assert cfg["mqtt"]["password_file"] == "$CREDENTIALS_DIRECTORY/mqtt-password"
    assert json.loads(read("/etc/nabz/telegram.json"))["telegram"]["token_file"] == \
        "$CREDENTIALS_DIRECTORY/telegram-token"
    # Users, accounts, passwords.
    for user in ("nabz-bridge", "nabz-telegram"):
        pw = pwd.getpwnam(user)
        assert pw.pw_uid < 1000 and pw.pw_shell.endswith("nologin"), pw
    passwd = read("/etc/nabz/passwd")
    for account in ACCOUNTS:
        assert re.search(r"^nabz-%s:\$7\$" % account, passwd, re.M), passwd
        assert mode_owner("/etc/nabz/%s.pass" % account) == (0o600, "root")
        assert len(read("/etc/nabz/%s.pass" % account).strip()) == 32
    assert mode_owner("/etc/nabz/passwd") == (0o640, "root")
    assert os.stat("/etc/nabz/passwd").st_gid == pwd.getpwnam("mosquitto").pw_gid
    for name, owner, mode in (("broker", "mosquitto", 0o750), ("bridge", "nabz-bridge", 0o750),
                              ("telegram", "nabz-telegram", 0o700)):
        assert mode_owner("/var/lib/nabz/" + name) == (mode, owner)
    # The broker, the bridge and the bot enabled; a cluster's units not.
    wants = os.listdir("/etc/systemd/system/multi-user.target.wants")
    for unit in ENABLED:
        assert unit in wants, wants
    assert "nabz-core.service" not in wants


def test_units_verify():
    """systemd-analyze verify: syntax, every directive known, the binaries
    there, the man pages they name present."""
    units = ["/lib/systemd/system/" + u for u in UNITS if "@" not in u]
    units.append("/lib/systemd/system/nabz-edge@e1.service")
    os.symlink("nabz-edge@.service", "/lib/systemd/system/nabz-edge@e1.service")
    try:
        man = [] if shutil.which("man") else ["--man=no"]
        r = sh("systemd-analyze", "verify", *man, *units, check=False)
    finally:
        os.unlink("/lib/systemd/system/nabz-edge@e1.service")
    print(r.stdout)
    assert r.returncode == 0 and r.stdout.strip() == "", r.stdout


def test_units_security():
    """Each unit's exposure as systemd-analyze security scores it (0 best,
    10 worst; "OK" is below 4.5): all sandboxed to OK, printed."""
    scores = {}
    for unit in UNITS:
        r = sh("systemd-analyze", "security", "--offline=true", "/lib/systemd/system/" + unit, check=False)
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", r.stdout)
        assert m, r.stdout
        scores[unit] = (float(m.group(1)), m.group(2))
    for unit, (score, word) in scores.items():
        print("%-24s %.1f %s" % (unit, score, word))
    for unit, (score, word) in scores.items():
        assert score <= 2.0 and word == "OK", (unit, score, word)


def test_units_sandbox_and_limits():
    """What the issue asks of every unit, read from the installed files."""
    conf = read("/etc/nabz/mosquitto.conf")
    ws = int(re.search(r"(?m)^plugin_opt_ws_max_connections (\d+)", conf).group(1))
    tcp = int(re.search(r"(?m)^plugin_opt_tcp_max_connections (\d+)", conf).group(1))
    for unit in UNITS:
        s = parse_unit("/lib/systemd/system/" + unit)["Service"]
        for key, want in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                          ("PrivateTmp", "yes")):
            assert last(s, key) == want, (unit, key)
        assert last(s, "Restart") in ("on-failure", "always"), unit
        assert last(s, "User") not in (None, "root"), unit
        assert s.get("StateDirectory"), unit
        if unit in ("nabz-bridge.service", "nabz-telegram.service"):
            assert s["CapabilityBoundingSet"][-1] == "", unit
            assert any(c.startswith("mqtt-password:") for c in s["LoadCredential"]), unit
        else:
            # The broker's descriptors: 3 per browser, 1 per MQTT/TCP client, 1024 besides.
            assert int(last(s, "LimitNOFILE")) >= 3 * ws + tcp + 1024, unit
            assert s.get("RuntimeDirectory"), unit
    bot = parse_unit("/lib/systemd/system/nabz-telegram.service")
    assert "telegram-token:/etc/nabz/telegram.token" in bot["Service"]["LoadCredential"]
    assert bot["Unit"]["ConditionPathExists"] == ["/etc/nabz/telegram.token"]
    bridge = parse_unit("/lib/systemd/system/nabz-bridge.service")["Unit"]
    assert "nabz-broker.service" in bridge["After"][0].split()


@pytest.fixture(scope="module")
def running():
    """The broker and the bridge started from their units' ExecStart by hand."""
    started = []
    yield started
    for u in reversed(started):
        u.stop()


def test_broker_serves_as_its_unit(running):
    broker = UnitRun("nabz-broker.service").start()
    running.append(broker)
    wait_port(8000, proc=broker)
    wait_port(1883, proc=broker)
    status, health = http_json(8000, "/health")
    assert status == 200 and health["status"] == "healthy", health
    # Running as mosquitto, with the unit's open-files limit.
    st = os.stat("/proc/%d" % broker.proc.pid)
    assert pwd.getpwuid(st.st_uid).pw_name == "mosquitto"
    limits = read("/proc/%d/limits" % broker.proc.pid)
    want = min(81024, UnitRun.nofile_cap())
    if want < 81024:
        print("LimitNOFILE=81024 capped to this machine's hard limit %d (no CAP_SYS_RESOURCE)" % want)
    assert re.search(r"Max open files\s+%d\s+%d" % (want, want), limits), limits
    with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=5) as r:
        assert r.status == 200 and b"<html" in r.read().lower()
    with urllib.request.urlopen("http://127.0.0.1:8000/static/vendor/mqtt.min.js", timeout=5) as r:
        assert r.status == 200
    with urllib.request.urlopen("http://127.0.0.1:8000/metrics", timeout=5) as r:
        assert b"nabz_active_connections" in r.read()
    # The state file lands in the unit's StateDirectory.
    sub = Sub(1883, ["crypto/#"])
    assert sub.rc == 0
    sub.close()


def test_bridge_serves_as_its_unit(running):
    """The bridge logs in with the password handed over as a credential
    (the broker refuses publishers without it) and publishes; with no
    internet here, every source reports down."""
    sub = Sub(1883, ["crypto/sources"])
    bridge = UnitRun("nabz-bridge.service").start()
    running.append(bridge)
    try:
        hits = sub.wait(lambda m: m[0] == "crypto/sources" and b"last_error" in m[1], timeout=30)
    except AssertionError:
        raise AssertionError(bridge.output())
    payload = json.loads(hits[-1][1])
    assert payload["data"]["demo"] is False, payload
    assert bridge.proc.poll() is None, bridge.output()
    assert "CREDENTIALS_DIRECTORY" in read("/proc/%d/environ" % bridge.proc.pid)
    sub.close()
    # The account's password never in any process's environment.
    password = read("/etc/nabz/bridge.pass").strip()
    assert password not in read("/proc/%d/environ" % bridge.proc.pid)


def test_telegram_serves_as_its_unit(running):
    """The bot reads its token from /etc/nabz/telegram.token through
    LoadCredential=, never from an environment: the fake Telegram answers
    only that token, and /start gets a reply."""
    fake = FakeTelegram(TOKEN)
    try:
        give_bot(TOKEN, fake.base)
        bot = UnitRun("nabz-telegram.service").start()
        running.append(bot)
        fake.user_says(4242, "/start")
        try:
            fake.wait_delivered(4242, 1, timeout=30)
        except AssertionError:
            raise AssertionError(bot.output())
        environ = read("/proc/%d/environ" % bot.proc.pid)
        assert TOKEN not in environ and "NABZ_TELEGRAM_TOKEN" not in environ
        assert bot.proc.poll() is None
        # A chat the next steps must keep.
        deadline = time.time() + 10
        while time.time() < deadline and not os.listdir("/var/lib/nabz/telegram"):
            time.sleep(0.1)
        assert os.listdir("/var/lib/nabz/telegram"), "the bot kept no state"
    finally:
        for u in [u for u in running if u.name == "nabz-telegram.service"]:
            u.stop()
            running.remove(u)
        fake.close()


def test_stop_is_clean(running):
    """What systemctl stop sends (SIGTERM): the bridge and the broker exit
    0, the broker's runtime directory goes, and 1883 and 8000 are free for
    the cluster's units below."""
    for u in reversed(running):
        rc = u.stop()
        assert rc == 0, "%s exited %s on SIGTERM:\n%s" % (u.name, rc, u.output()[-2000:])
    running.clear()
    assert not os.path.exists("/run/nabz/broker")
    for port in (1883, 8000):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), 0.5).close()


def test_cluster_serves_as_its_units():
    """nabz-cluster-conf writes the core's and an edge's configs where the
    units read them; both ExecStart lines, run as mosquitto, serve; a price
    the bridge's account publishes at the core reaches a client of the
    edge over mosquitto's bridge."""
    sh("nabz-cluster-conf", "core", "--peers", "nabz-edge", "--ws", "127.0.0.1:8001",
       "--out", "/etc/nabz/cluster/core.conf")
    sh("nabz-cluster-conf", "edge", "--id", "e1", "--core", "127.0.0.1:1884",
       "--core-password-file", "/etc/nabz/edge.pass", "--mqtt", "127.0.0.1:1885",
       "--out", "/etc/nabz/cluster/e1.conf")
    for conf in ("core", "e1"):
        assert mode_owner("/etc/nabz/cluster/%s.conf" % conf) == (0o640, "root")
        assert os.stat("/etc/nabz/cluster/%s.conf" % conf).st_gid == pwd.getpwnam("mosquitto").pw_gid
    core = UnitRun("nabz-core.service").start()
    edge = UnitRun("nabz-edge@e1.service").start()
    try:
        wait_port(1884, proc=core)
        wait_port(1885, proc=edge)
        wait_port(8000, proc=edge)
        assert os.path.isdir("/run/nabz/e1") and os.path.isdir("/var/lib/nabz/core")
        sub = Sub(1885, ["crypto/prices/BTC"])
        pub = mqtt.Client(client_id="nabz-bridge")
        pub.username_pw_set("nabz-bridge", read("/etc/nabz/bridge.pass").strip())
        pub.connect("127.0.0.1", 1884)
        pub.loop_start()
        body = json.dumps({"type": "price_update", "symbol": "BTC", "price": 1.0})
        deadline = time.time() + 30
        while time.time() < deadline and not [m for m in sub.messages if m[0] == "crypto/prices/BTC"]:
            pub.publish("crypto/prices/BTC", body, qos=0, retain=True)
            time.sleep(0.5)
        assert [m for m in sub.messages if m[0] == "crypto/prices/BTC"], edge.output() + core.output()
        status, health = http_json(8000, "/health")
        assert status == 200, health
        pub.loop_stop()
        pub.disconnect()
        sub.close()
    finally:
        edge.stop()
        core.stop()


def snapshot():
    """What a reinstall must keep."""
    keep = {}
    for account in ACCOUNTS:
        keep[account] = read("/etc/nabz/%s.pass" % account)
    keep["passwd"] = read("/etc/nabz/passwd")
    keep["telegram.token"] = read("/etc/nabz/telegram.token")
    for path in CONFFILES:
        keep[path] = read(path)
    for top, _, files in os.walk("/var/lib/nabz"):
        for f in files:
            with open(os.path.join(top, f), "rb") as fh:
                keep[os.path.join(top, f)] = fh.read()
    keep["cluster"] = read("/etc/nabz/cluster/e1.conf")
    return keep


def test_reinstall_keeps_everything():
    """Installing over itself keeps passwords, accounts, the bot's chats,
    state and a config the operator edited."""
    cfg = json.loads(read("/etc/nabz/bridge.json"))
    cfg["alerts"].append({"symbol": "SOL", "above": 999})
    with open("/etc/nabz/bridge.json", "w") as f:
        json.dump(cfg, f, indent=2)
    before = snapshot()
    assert any(p.startswith("/var/lib/nabz/telegram/") for p in before)
    dpkg("-i", deb())
    after = snapshot()
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], "%s changed on reinstall" % key
    assert '"SOL"' in read("/etc/nabz/bridge.json")


def newer_package(version="0.1.0+upgrade1"):
    """The built package repacked as a later version whose shipped
    mosquitto.conf and bridge.json changed: what an upgrade brings."""
    work = "/tmp/nabz-upgrade"
    shutil.rmtree(work, ignore_errors=True)
    sh("dpkg-deb", "-R", deb(), work)
    control = read(work + "/DEBIAN/control")
    with open(work + "/DEBIAN/control", "w") as f:
        f.write(re.sub(r"(?m)^Version: .*$", "Version: " + version, control))
    for conf in ("mosquitto.conf", "bridge.json"):
        path = "%s/etc/nabz/%s" % (work, conf)
        text = read(path)
        if conf == "bridge.json":
            text = text.replace('"alert_cooldown_s": 300', '"alert_cooldown_s": 301')
        else:
            text += "# changed in %s\n" % version
        with open(path, "w") as f:
            f.write(text)
    out = "/tmp/nabz_%s_amd64.deb" % version
    sh("dpkg-deb", "--root-owner-group", "-b", work, out)
    return out


def test_upgrade_keeps_everything():
    """An upgrade to a later version: passwords, accounts, chats and state
    kept; a config the operator edited kept (the new one beside it as
    .dpkg-dist); a config left as shipped follows the package."""
    before = snapshot()
    dpkg("-i", newer_package())
    assert sh("dpkg-query", "-W", "-f=${Version}", "nabz").stdout == "0.1.0+upgrade1"
    after = snapshot()
    for key in before:
        if key == "/etc/nabz/mosquitto.conf":
            assert after[key] == before[key] + "# changed in 0.1.0+upgrade1\n"
        else:
            assert after[key] == before[key], "%s changed on upgrade" % key
    assert '"alert_cooldown_s": 301' in read("/etc/nabz/bridge.json.dpkg-dist")
    # Back to the package under test (a downgrade), as the next steps expect.
    dpkg("-i", deb())
    assert sh("dpkg-query", "-W", "-f=${Version}", "nabz").stdout == "0.1.0"


def test_remove_keeps_data():
    """dpkg -r (apt remove): the programs go, configs, passwords, chats and
    state stay; installing again picks them up."""
    before = snapshot()
    dpkg("-r", "nabz")
    for path in ("/usr/bin/nabz-bridge", "/usr/lib/nabz/nabz_plugin.so",
                 "/lib/systemd/system/nabz-broker.service", "/usr/share/nabz/static"):
        assert not os.path.exists(path), path
    assert snapshot() == before
    status = sh("dpkg-query", "-W", "-f=${Status}", "nabz").stdout
    assert status == "deinstall ok config-files", status
    dpkg("-i", deb())
    assert snapshot() == before


def test_purge_removes_data():
    """dpkg -P (apt purge): configs, passwords, the bot's token and chats,
    state: all gone. The system users stay (a reused uid would inherit
    files left behind)."""
    dpkg("-P", "nabz")
    for path in ("/etc/nabz", "/var/lib/nabz"):
        assert not os.path.exists(path), "%s after purge: %s" % (path, os.listdir(path))
    assert sh("dpkg-query", "-W", "-f=${Status}", "nabz", check=False).stdout.find("installed") < 0
    assert pwd.getpwnam("nabz-bridge")


def fake_systemd():
    """A systemctl that records what it is asked and says every unit is
    enabled and inactive, and PID 1's mark /run/systemd/system: the
    maintainer scripts then act as on a systemd host."""
    os.makedirs("/run/systemd/system", exist_ok=True)
    with open("/usr/local/sbin/systemctl", "w") as f:
        f.write("#!/bin/sh\necho \"$*\" >> /tmp/systemctl.log\n"
                "case \"$*\" in *is-enabled*) echo enabled;; *is-active*) exit 3;; esac\nexit 0\n")
    os.chmod("/usr/local/sbin/systemctl", 0o755)
    # A container's policy-rc.d (Docker's says 101: start nothing) would
    # hide what the scripts do on a host.
    if os.path.exists("/usr/sbin/policy-rc.d"):
        os.unlink("/usr/sbin/policy-rc.d")


def systemctl_calls():
    calls = read("/tmp/systemctl.log").splitlines()
    os.unlink("/tmp/systemctl.log")
    return calls


def test_first_install_on_systemd_takes_1883():
    """On a systemd host, with the stock mosquitto.service enabled on its
    stock config, the first install stops and disables it (both serve 1883)
    and starts nabz's units; dpkg -r enables and starts it again. With a
    config of the operator's in /etc/mosquitto/conf.d it is left alone, and
    a reinstall never touches it."""
    fake_systemd()
    try:
        out = dpkg("-i", deb()).stdout
        assert "disabling mosquitto.service" in out, out
        calls = systemctl_calls()
        assert "disable --now mosquitto.service" in calls, calls
        assert any(re.search(r"start .*nabz-broker\.service", c) for c in calls), calls
        assert calls.index("disable --now mosquitto.service") < \
            [i for i, c in enumerate(calls) if re.search(r"start .*nabz-broker", c)][0], calls
        dpkg("-i", deb())
        calls = systemctl_calls()
        assert not [c for c in calls if "mosquitto.service" in c], calls
        dpkg("-r", "nabz")
        calls = systemctl_calls()
        assert "enable --now mosquitto.service" in calls, calls
        dpkg("-P", "nabz")

        os.makedirs("/etc/mosquitto/conf.d", exist_ok=True)
        with open("/etc/mosquitto/conf.d/site.conf", "w") as f:
            f.write("listener 1883\n")
        out = dpkg("-i", deb()).stdout
        assert "configured in /etc/mosquitto/conf.d" in out, out
        calls = systemctl_calls()
        assert not [c for c in calls if "mosquitto.service" in c and "is-enabled" not in c], calls
        dpkg("-r", "nabz")
        calls = systemctl_calls()
        assert not [c for c in calls if "mosquitto.service" in c], calls
        dpkg("-P", "nabz")
    finally:
        os.unlink("/usr/local/sbin/systemctl")
