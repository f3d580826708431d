"""The package under a real systemd: the throwaway copy of this machine
(sandbox.sh) boots /lib/systemd/systemd as PID 1 of its own PID, mount and
cgroup namespaces, with Debian's stock mosquitto.service enabled and
serving 1883, as on a server that just installed mosquitto. Then, as an
operator would: dpkg -i inside the booted system (the postinst takes 1883
from mosquitto.service and systemd starts nabz's units with every sandboxing
directive, credential and limit applied); the dashboard, /health and the
bridge's data are served; the bot starts once its token is there; a crash
of the broker is restarted; reload and restart behave; dpkg -r stops nabz
and gives 1883 back to mosquitto.service; dpkg -P removes the data."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from fake_telegram import FakeTelegram  # noqa: E402
from test_package import deb, give_bot, Sub, wait_port, http_json  # noqa: E402
from unit_runner import UnitRun  # noqa: E402

TOKEN = "654321:systemd-test_TOKEN"
# What the copy's own base system would start besides: not this test's.
KEEP_ENABLED = {"mosquitto.service", "remote-fs.target"}


class Booted:
    """systemd as PID 1 of new PID, mount and cgroup namespaces. Its mounts
    are shared with the copy's (not slave): systemd hands a unit its
    credentials through a mount made in a helper's namespace, which must
    propagate back; /proc alone is private (--mount-proc)."""

    def __init__(self):
        self.log = open("/tmp/systemd-console.log", "wb")
        self.proc = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--mount", "--propagation", "shared", "--mount-proc", "--cgroup",
             "--", "env", "container=nabz-test", "/lib/systemd/systemd", "--system",
             "--log-target=console", "--log-level=notice"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = None
        end = time.time() + 20
        while self.pid is None and time.time() < end:
            kids = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
            self.pid = int(kids.split()[0]) if kids.strip() else None
            time.sleep(0.1)
        assert self.pid, "systemd did not start"
        state = ""
        end = time.time() + 60
        while time.time() < end:
            state = self.run("systemctl", "is-system-running", check=False).stdout.strip()
            if state in ("running", "degraded"):
                break
            time.sleep(0.3)
        assert state in ("running", "degraded"), (state, self.console())

    def run(self, *argv, check=True, timeout=120):
        r = subprocess.run(["nsenter", "-t", str(self.pid), "-a", "-r", "-w", "--", *argv],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError("%s: exit %d\n%s" % (" ".join(argv), r.returncode, r.stdout))
        return r

    def active(self, unit):
        return self.run("systemctl", "is-active", unit, check=False).stdout.strip()

    def wait_active(self, unit, timeout=30):
        end = time.time() + timeout
        state = ""
        while time.time() < end:
            state = self.active(unit)
            if state == "active":
                return
            time.sleep(0.2)
        raise AssertionError("%s is %s:\n%s" % (unit, state, self.journal(unit)))

    def main_pid(self, unit):
        return int(self.run("systemctl", "show", "-p", "MainPID", "--value", unit).stdout.strip())

    def journal(self, unit):
        return self.run("journalctl", "--no-pager", "-u", unit, check=False).stdout

    def console(self):
        with open("/tmp/systemd-console.log", errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGKILL)   # PID 1 of its namespace: everything in it goes
        except (OSError, TypeError):
            pass
        self.proc.wait(30)
        self.log.close()


@pytest.fixture(scope="module")
def system():
    for path in ("/etc/nabz", "/var/lib/nabz"):
        shutil.rmtree(path, ignore_errors=True)
    # A container's policy-rc.d (Docker's says: start nothing) is not a host's.
    if os.path.exists("/usr/sbin/policy-rc.d"):
        os.unlink("/usr/sbin/policy-rc.d")
    wants = "/etc/systemd/system/multi-user.target.wants"
    os.makedirs(wants, exist_ok=True)
    for unit in os.listdir(wants):
        if unit not in KEEP_ENABLED:
            os.symlink("/dev/null", "/etc/systemd/system/" + unit) \
                if not os.path.lexists("/etc/systemd/system/" + unit) else None
    # Debian's mosquitto package enables its service: a server that has it.
    if not os.path.lexists(wants + "/mosquitto.service"):
        os.symlink("/lib/systemd/system/mosquitto.service", wants + "/mosquitto.service")
    # Nothing else the copy would start on a console.
    for unit in ("console-getty.service", "getty@tty1.service", "systemd-networkd.service"):
        if not os.path.lexists("/etc/systemd/system/" + unit):
            os.symlink("/dev/null", "/etc/systemd/system/" + unit)
    booted = Booted()
    yield booted
    booted.stop()


def test_stock_mosquitto_serves_1883_before(system):
    system.wait_active("mosquitto.service")
    wait_port(1883)


def nofile_dropin():
    """systemd raises the broker's hard limit to LimitNOFILE=81024; a
    container whose root lacks CAP_SYS_RESOURCE cannot, and systemd then
    refuses to start the unit (status 205/LIMITS). Here only, a drop-in
    lowers it to what this machine allows; it says so."""
    cap = UnitRun.nofile_cap()
    if cap >= 81024:
        return
    for unit in ("nabz-broker.service",):
        d = "/etc/systemd/system/%s.d" % unit
        os.makedirs(d, exist_ok=True)
        with open(d + "/test-nofile.conf", "w") as f:
            f.write("[Service]\nLimitNOFILE=%d\n" % cap)
    print("LimitNOFILE capped to %d for this machine (no CAP_SYS_RESOURCE)" % cap)


def test_install_takes_1883_and_starts_nabz(system):
    nofile_dropin()
    out = system.run("dpkg", "--force-confold", "-i", deb()).stdout
    print(out)
    assert "disabling mosquitto.service" in out, out
    assert system.active("mosquitto.service") != "active"
    assert system.run("systemctl", "is-enabled", "mosquitto.service", check=False).stdout.strip() == "disabled"
    system.wait_active("nabz-broker.service")
    system.wait_active("nabz-bridge.service")
    wait_port(8000)
    status, health = http_json(8000, "/health")
    assert status == 200 and health["status"] == "healthy", health
    with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=5) as r:
        assert r.status == 200
    # The bot waits for its token.
    assert system.active("nabz-telegram.service") == "inactive"
    show = system.run("systemctl", "show", "-p", "ConditionResult", "nabz-telegram.service").stdout
    assert "ConditionResult=no" in show, show


def test_units_run_sandboxed_as_their_users(system):
    for unit, user in (("nabz-broker.service", "mosquitto"), ("nabz-bridge.service", "nabz-bridge")):
        pid = system.main_pid(unit)
        assert pid, (unit, system.active(unit), system.journal(unit))
        status = system.run("cat", "/proc/%d/status" % pid).stdout
        uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
        assert uid == int(system.run("id", "-u", user).stdout), (unit, status)
        assert re.search(r"^NoNewPrivs:\s+1", status, re.M), unit
        assert re.search(r"^Seccomp:\s+2", status, re.M), unit
        assert re.search(r"^CapBnd:\s+0+$", status, re.M), unit
    # ProtectSystem=strict: the broker's user cannot write /etc even where
    # plain permissions would let it (its group's passwd file).
    mounts = system.run("cat", "/proc/%d/mountinfo" % system.main_pid("nabz-broker.service")).stdout
    assert re.search(r" /etc \S* ro[, ]| / \S* ro[, ]", mounts), mounts
    # The exposure systemd itself computes for the loaded units (0 best,
    # 10 worst), printed for the record.
    for unit in ("nabz-broker.service", "nabz-bridge.service", "nabz-telegram.service"):
        out = system.run("systemd-analyze", "security", "--no-pager", unit, check=False).stdout
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", out)
        assert m, out
        print("live %-22s %s %s" % (unit, m.group(1), m.group(2)))
        assert float(m.group(1)) <= 2.0, out


def test_bridge_data_reaches_clients(system):
    """The bridge logged in with the password systemd handed it, and
    publishes (no internet here: every source is down, and says so)."""
    sub = Sub(1883, ["crypto/sources"])
    try:
        hits = sub.wait(lambda m: m[0] == "crypto/sources" and b"last_error" in m[1], timeout=40)
    except AssertionError:
        raise AssertionError(system.journal("nabz-bridge.service"))
    assert json.loads(hits[-1][1])["data"]["demo"] is False
    sub.close()


def test_bot_starts_with_its_token(system):
    fake = FakeTelegram(TOKEN)
    try:
        give_bot(TOKEN, fake.base)
        system.run("systemctl", "start", "nabz-telegram.service")
        system.wait_active("nabz-telegram.service")
        fake.user_says(777, "/start")
        try:
            fake.wait_delivered(777, 1, timeout=30)
        except AssertionError:
            raise AssertionError(system.journal("nabz-telegram.service"))
        environ = system.run("cat", "/proc/%d/environ" % system.main_pid("nabz-telegram.service")).stdout
        assert TOKEN not in environ
    finally:
        system.run("systemctl", "stop", "nabz-telegram.service", check=False)
        fake.close()


def test_broker_crash_is_restarted_and_the_bridge_returns(system):
    before = system.main_pid("nabz-broker.service")
    system.run("kill", "-9", str(before))
    end = time.time() + 30
    while time.time() < end:
        pid = system.main_pid("nabz-broker.service")
        if pid not in (0, before) and system.active("nabz-broker.service") == "active":
            break
        time.sleep(0.2)
    assert pid not in (0, before), system.journal("nabz-broker.service")
    sub = Sub(1883, ["crypto/sources"])
    sub.wait(lambda m: m[0] == "crypto/sources", timeout=40)
    sub.close()
    # reload: the bridge re-reads its alert rules, and says so.
    system.run("systemctl", "reload", "nabz-bridge.service")
    system.wait_active("nabz-bridge.service")


def test_remove_gives_1883_back(system):
    out = system.run("dpkg", "-r", "nabz").stdout
    print(out)
    for unit in ("nabz-broker.service", "nabz-bridge.service"):
        assert system.active(unit) != "active", unit
    system.wait_active("mosquitto.service")
    assert system.run("systemctl", "is-enabled", "mosquitto.service", check=False).stdout.strip() == "enabled"
    assert os.path.exists("/etc/nabz/bridge.pass") and os.path.exists("/var/lib/nabz/telegram")
    system.run("dpkg", "-P", "nabz")
    assert not os.path.exists("/etc/nabz") and not os.path.exists("/var/lib/nabz")
