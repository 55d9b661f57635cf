"""The services of a test deployment, each started inside a host of :mod:`deploy.testbed.netns`:
a throwaway PostgreSQL cluster and Redis (host "db"), gunicorn web hosts, job workers and nginx
with the shipped site file (deploy/nginx/xinsheng.conf) rendered for the test addresses.

Every process is started in its own session (process group), so :meth:`Process.kill` ends it
with all its children (gunicorn's workers, nginx's workers)."""
from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "xinsheng.conf"
WEB_PORT = 8000


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian layout)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def missing_programs() -> str | None:
    """What is not installed that a test deployment needs, or None."""
    absent = []
    if shutil.which("nginx") is None:
        absent.append("nginx (Debian package nginx: make system-packages)")
    if postgres_bin() is None:
        absent.append("the PostgreSQL server (/usr/lib/postgresql/*/bin/postgres)")
    if shutil.which("redis-server") is None:
        absent.append("redis-server")
    if shutil.which("openssl") is None:
        absent.append("openssl")
    return ", ".join(absent) + " not installed" if absent else None


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group (no error when it is gone already)."""
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass


def stop_all(processes: list[Process], grace: float = 5.0) -> None:
    """SIGTERM to every process at once, SIGKILL to whatever is left after ``grace`` seconds."""
    for process in processes:
        process.kill(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        process.kill(signal.SIGKILL)  # the process or stragglers of its group
        process.popen.wait()


def start(name: str, argv: list[str], log: Path, *, env: dict[str, str] | None = None,
          user: str | None = None) -> Process:
    if user is not None:
        argv = [*argv[:4], "runuser", "-u", user, "--", *argv[4:]] if argv[:2] == ["ip", "netns"] else \
            ["runuser", "-u", user, "--", *argv]
    handle = log.open("ab")
    popen = subprocess.Popen(argv, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, cwd=ROOT, start_new_session=True)
    handle.close()
    return Process(name, popen, log)


def wait_for_port(address: str, port: int, process: Process, seconds: float = 60.0) -> None:
    """Until ``address:port`` accepts connections; raises with the log's tail if the process
    ends or the time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive():
            break
        try:
            socket.create_connection((address, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    tail = process.log.read_text(errors="replace")[-3000:] if process.log.exists() else ""
    raise RuntimeError(f"{process.name} did not listen on {address}:{port}:\n{tail}")


# --- PostgreSQL and Redis ---------------------------------------------------------------------

def init_postgres(folder: Path, allow: str) -> Path:
    """A new cluster in ``folder``/pgdata owned by the postgres user, trusting ``allow`` (CIDR)."""
    data = folder / "pgdata"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    subprocess.run(["runuser", "-u", "postgres", "--", str(postgres_bin() / "initdb"), "-D", str(data),
                    "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"],
                   check=True, capture_output=True, cwd="/")
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {allow} trust\n")
    return data


def postgres_argv(data: Path, address: str, *, log_writes: bool = False) -> list[str]:
    # fsync off: a throwaway cluster; the figures are for comparing layouts, not disks.
    return [str(postgres_bin() / "postgres"), "-D", str(data), "-c", f"listen_addresses={address}",
            "-c", "port=5432", "-c", f"unix_socket_directories={data}", "-c", "max_connections=200",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "log_line_prefix=%m [%h] ", "-c", "log_min_messages=warning",
            *(["-c", "log_statement=mod"] if log_writes else [])]


def redis_argv(address: str, folder: Path) -> list[str]:
    return ["redis-server", "--bind", address, "--port", "6379", "--save", "", "--appendonly", "no",
            "--protected-mode", "no", "--dir", str(folder)]


# --- the app: as deploy/systemd and deploy/env describe it ---------------------------------------

UNITS = {"web": ROOT / "deploy" / "systemd" / "xinsheng-web.service",
         "worker": ROOT / "deploy" / "systemd" / "xinsheng-worker.service"}
ENV_TEMPLATES = {"web": ROOT / "deploy" / "env" / "web.env.example",
                 "worker": ROOT / "deploy" / "env" / "worker.env.example"}
INSTALLED_VENV = "/srv/xinsheng/.venv/bin/"


def environment(kind: str, values: dict[str, str]) -> dict[str, str]:
    """deploy/env/<kind>.env.example with every setting it makes filled from ``values``; raises
    when the template has a setting ``values`` lacks (the template and the test drifted apart)."""
    keys = [line.split("=", 1)[0] for line in ENV_TEMPLATES[kind].read_text().splitlines()
            if "=" in line and not line.lstrip().startswith("#")]
    unknown = [key for key in keys if key not in values]
    if unknown:
        raise ValueError(f"{ENV_TEMPLATES[kind]} sets {unknown}, which the testbed does not fill in")
    return {key: values[key] for key in keys}


def unit_command(kind: str, env: dict[str, str]) -> list[str]:
    """The ExecStart of deploy/systemd/xinsheng-<kind>.service, with ${VAR}s from ``env`` and the
    installed virtualenv's programs taken from this one."""
    text = UNITS[kind].read_text().replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.startswith("ExecStart="))[len("ExecStart="):]
    line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
    argv = line.split()
    if not argv[0].startswith(INSTALLED_VENV):
        raise ValueError(f"{UNITS[kind]}: ExecStart no longer starts with {INSTALLED_VENV}")
    argv[0] = str(Path(sys.executable).parent / argv[0][len(INSTALLED_VENV):])
    return argv


# --- nginx ----------------------------------------------------------------------------------

_UPSTREAM_LINE = re.compile(r"^(\s*)server\s+web\d+\.internal:8000(\s[^;]*)?;\s*$", re.M)
_PLACEHOLDERS = ("survey.example.com", "/etc/ssl/xinsheng/fullchain.pem", "/etc/ssl/xinsheng/privkey.pem",
                 "/srv/xinsheng/survey/static/")


def render_site(web_addresses: list[str], *, server_name: str, certificate: Path, key: Path) -> str:
    """deploy/nginx/xinsheng.conf with its placeholders replaced: one upstream line per address
    (options as shipped), the server name, the certificate and the static folder of this
    checkout. Raises when the file no longer has a placeholder this expects."""
    text = SITE.read_text()
    lines = list(_UPSTREAM_LINE.finditer(text))
    missing = [p for p in _PLACEHOLDERS if p not in text]
    if not lines or missing:
        raise ValueError(f"{SITE} lost its placeholders: upstream lines {len(lines)}, missing {missing}")
    indent, options = lines[0].group(1), lines[0].group(2) or ""
    upstream = "".join(f"{indent}server {address}:{WEB_PORT}{options};\n" for address in web_addresses)
    text = text[:lines[0].start()] + upstream + text[lines[-1].end():].lstrip("\n")
    for old, new in zip(_PLACEHOLDERS, (server_name, str(certificate), str(key),
                                        str(ROOT / "survey" / "static") + "/")):
        text = text.replace(old, new)
    if not Path("/proc/net/if_inet6").exists():  # IPv6 off on this machine
        text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)
    return text


def nginx_main(folder: Path, site: Path) -> str:
    """A main nginx.conf like Debian's (/etc/nginx/nginx.conf) but with every path in ``folder``
    and only our site: Debian's default site never starts."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    return f"""user root;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {site};
}}
"""


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    return certificate, key
