"""Runs a systemd unit's ExecStart the way systemd would, on a machine
whose PID 1 is not systemd: as the unit's User= and Group=, with the
unit's RuntimeDirectory= and StateDirectory= made and owned as systemd
makes them, its LoadCredential= files copied into a credentials directory
only that user can read ($CREDENTIALS_DIRECTORY), its LimitNOFILE= and
UMask=, no new privileges and an empty capability bounding set, and the
environment systemd gives a service (no more). What the sandboxing
directives add on top (ProtectSystem= and the like) is systemd's own and
checked by systemd-analyze instead."""
import grp
import os
import pwd
import resource
import shlex
import shutil
import subprocess

UNIT_DIR = "/lib/systemd/system"


def parse_unit(path):
    """{section: {key: [values in order]}}; continuation lines joined."""
    sections, section, pending = {}, None, ""
    with open(path) as f:
        for raw in f:
            line = pending + raw.rstrip("\n")
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            pending = ""
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                section = sections.setdefault(line[1:-1], {})
                continue
            key, _, value = line.partition("=")
            section.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_path(name):
    """The installed file of unit name (nabz-edge@e1.service: its template)."""
    base = name
    if "@" in name:
        base = name[:name.index("@") + 1] + name[name.rindex("."):]
    return os.path.join(UNIT_DIR, base)


def last(service, key, default=None):
    values = [v for v in service.get(key, []) if v != ""]
    return values[-1] if values else default


class UnitRun:
    def __init__(self, name, log_dir="/tmp"):
        self.name = name
        self.instance = name[name.index("@") + 1:name.rindex(".")] if "@" in name else ""
        self.unit = parse_unit(unit_path(name))
        self.service = self.unit["Service"]
        self.log_path = os.path.join(log_dir, name + ".log")
        self.proc = None

    def spec(self, text):
        return text.replace("%i", self.instance).replace("%n", self.name).replace("%%", "%")

    def user(self):
        user = self.spec(last(self.service, "User", "root"))
        group = self.spec(last(self.service, "Group", user))
        return pwd.getpwnam(user), grp.getgrnam(group)

    def exec_start(self):
        line = self.spec(last(self.service, "ExecStart"))
        return shlex.split(line.lstrip("-@:+!"))

    def _dirs(self, key, top, uid, gid):
        mode = int(last(self.service, key + "Mode", "0755"), 8)
        made = []
        for value in self.service.get(key, []):
            for rel in self.spec(value).split():
                path = os.path.join(top, rel)
                os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
                os.makedirs(path, exist_ok=True)
                os.chown(path, uid, gid)
                os.chmod(path, mode)
                made.append(path)
        return made

    def _credentials(self, uid, gid):
        creds = self.service.get("LoadCredential", [])
        if not creds:
            return None
        path = os.path.join("/run/credentials", self.name)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, mode=0o700)
        for cred in creds:
            cred_id, _, source = self.spec(cred).partition(":")
            dest = os.path.join(path, cred_id)
            shutil.copyfile(source, dest)
            os.chown(dest, uid, gid)
            os.chmod(dest, 0o400)
        os.chown(path, uid, gid)
        os.chmod(path, 0o500)
        return path

    def start(self, extra_env=None):
        pw, gr = self.user()
        runtime = self._dirs("RuntimeDirectory", "/run", pw.pw_uid, gr.gr_gid)
        state = self._dirs("StateDirectory", "/var/lib", pw.pw_uid, gr.gr_gid)
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "LANG": "C.UTF-8", "USER": pw.pw_name, "LOGNAME": pw.pw_name,
               "HOME": pw.pw_dir, "SHELL": pw.pw_shell, "INVOCATION_ID": "0" * 32}
        creds = self._credentials(pw.pw_uid, gr.gr_gid)
        if creds:
            env["CREDENTIALS_DIRECTORY"] = creds
        if runtime:
            env["RUNTIME_DIRECTORY"] = ":".join(runtime)
        if state:
            env["STATE_DIRECTORY"] = ":".join(state)
        env.update(extra_env or {})
        nofile = last(self.service, "LimitNOFILE")
        umask = last(self.service, "UMask")
        caps = ["--bounding-set=-all", "--inh-caps=-all"] if "CapabilityBoundingSet" in self.service \
            and last(self.service, "CapabilityBoundingSet", "") == "" else []
        nnp = ["--no-new-privs"] if last(self.service, "NoNewPrivileges") == "yes" else []

        def before_exec():
            if nofile:
                # systemd (PID 1) may raise the hard limit; a container's
                # root without CAP_SYS_RESOURCE only up to its own.
                n = min(int(nofile), self.nofile_cap())
                resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
            if umask:
                os.umask(int(umask, 8))

        argv = ["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % gr.gr_gid, "--init-groups"] \
            + nnp + caps + ["--"] + self.exec_start()
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, preexec_fn=before_exec, cwd="/")
        return self

    @staticmethod
    def nofile_cap():
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        return hard if hard != resource.RLIM_INFINITY else 1 << 30

    def output(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        # What systemd removes at stop: the runtime directories.
        for value in self.service.get("RuntimeDirectory", []):
            for rel in self.spec(value).split():
                shutil.rmtree(os.path.join("/run", rel), ignore_errors=True)
        return self.proc.returncode if self.proc else None
