"""A deployment of Xinsheng on one machine, host by host in network namespaces, as deploy/
describes it: nginx (the shipped site file) in front of web hosts running gunicorn, job workers,
and one PostgreSQL and one Redis on a "db" host. Used by tests/deploy/test_multi_host.py and
bench/multi_host.py (it lives here, not under tests/, so the benchmark imports no test code).

    bed = Testbed(web_hosts=2, workers=2)
    try:
        bed.start()
        browser = bed.browser()          # https through nginx
        ...
    finally:
        bed.stop()                       # processes, namespaces, bridge, files: all gone

:func:`unavailable` says (in words) why this machine cannot run it, or None.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deploy.testbed import netns, services
from deploy.testbed.client import Browser, Unknown, location_path  # noqa: F401 (re-exported)

SERVER_NAME = "survey.test"
DB_HOST_NUMBER, PROXY_NUMBER, WEB_BASE, WORKER_BASE = 2, 10, 10, 20


def unavailable() -> str | None:
    """What this machine lacks to run a test deployment, or None."""
    return netns.missing() or services.missing_programs()


class Testbed:
    __test__ = False  # not a pytest test class, whatever its name
    def __init__(self, *, web_hosts: int = 2, workers: int = 1, web_workers: int = 2,
                 worker_threads: int = 2, extra_env: dict[str, str] | None = None,
                 log_writes: bool = False) -> None:
        """``log_writes``: PostgreSQL logs every writing statement with the client's address
        (for tests that show which host wrote what)."""
        self.log_writes = log_writes
        self.web_count, self.worker_count = web_hosts, workers
        self.web_workers, self.worker_threads = web_workers, worker_threads
        self.extra_env = dict(extra_env or {})
        self.folder = Path(tempfile.mkdtemp(prefix="xs-testbed-"))
        self.folder.chmod(0o755)  # the postgres user reaches its cluster inside
        self.network: netns.Network | None = None
        self.processes: dict[str, services.Process] = {}
        self.addresses: dict[str, str] = {}

    # --- addresses and environment ----------------------------------------------------------

    @property
    def web_hosts(self) -> list[str]:
        return [f"web{i}" for i in range(1, self.web_count + 1)]

    @property
    def worker_hosts(self) -> list[str]:
        return [f"worker{i}" for i in range(1, self.worker_count + 1)]

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://postgres@{self.addresses['db']}:5432/xinsheng"

    @property
    def redis_url(self) -> str:
        return f"redis://{self.addresses['db']}:6379/0"

    @property
    def client_address(self) -> str:
        """Where requests from this process come from, as the hosts see it."""
        assert self.network is not None
        return self.network.gateway

    def app_environment(self, host: str, kind: str = "web") -> dict[str, str]:
        """deploy/env/<kind>.env.example filled in for ``host`` of this bed."""
        self._secret = getattr(self, "_secret", None) or secrets.token_hex(32)
        instance = self.folder / host / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        values = {"XINSHENG_ENV": "production", "SECRET_KEY": self._secret, "DATABASE_URL": self.database_url,
                  "JOB_QUEUE_URL": self.redis_url, "XINSHENG_BASE_URL": f"https://{SERVER_NAME}",
                  "TRUSTED_PROXIES": "1", "XINSHENG_INSTANCE": str(instance),
                  "BIND": f"{self.addresses.get(host, '127.0.0.1')}:{services.WEB_PORT}",
                  "WEB_WORKERS": str(self.web_workers), "WORKER_THREADS": str(self.worker_threads),
                  "ANALYSIS_JOBS": "1"}
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                    **services.environment(kind, values), **self.extra_env}

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.network = netns.Network()
        self.addresses["db"] = self.network.add_host("db", DB_HOST_NUMBER)
        self.addresses["proxy"] = self.network.add_host("proxy", PROXY_NUMBER)
        for number, host in enumerate(self.web_hosts, start=1):
            self.addresses[host] = self.network.add_host(host, WEB_BASE + number)
        for number, host in enumerate(self.worker_hosts, start=1):
            self.addresses[host] = self.network.add_host(host, WORKER_BASE + number)
        self._start_database()
        self._migrate()
        for host in self.web_hosts:
            self.start_web(host)
        for host in self.worker_hosts:
            self.start_worker(host)
        self._start_proxy()
        for host in self.web_hosts:
            services.wait_for_port(self.addresses[host], services.WEB_PORT, self.processes[host])

    def _run_in(self, host: str, name: str, argv: list[str], **kwargs) -> services.Process:
        assert self.network is not None
        process = services.start(name, self.network.command(host, argv), self.folder / f"{name}.log", **kwargs)
        self.processes[name] = process
        return process

    def _start_database(self) -> None:
        subnet = self.addresses["db"].rsplit(".", 1)[0] + ".0/24"
        data = services.init_postgres(self.folder, subnet)
        postgres = self._run_in("db", "postgres", services.postgres_argv(data, self.addresses["db"], log_writes=self.log_writes), user="postgres")
        redis = self._run_in("db", "redis", services.redis_argv(self.addresses["db"], self.folder))
        services.wait_for_port(self.addresses["db"], 5432, postgres)
        services.wait_for_port(self.addresses["db"], 6379, redis)
        for _ in range(100):  # listening is not yet accepting logins
            done = subprocess.run([str(services.postgres_bin() / "psql"), "-h", self.addresses["db"], "-U", "postgres",
                                   "-Atc", "CREATE DATABASE xinsheng"], capture_output=True, text=True)
            if done.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"could not create the database: {done.stderr}")

    def _migrate(self) -> None:
        """``alembic upgrade head``, as an operator runs it before starting the web hosts."""
        done = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=services.ROOT,
                              capture_output=True, text=True, env={**os.environ, **self.app_environment("migrate")})
        if done.returncode != 0:
            raise RuntimeError(f"alembic upgrade head failed:\n{done.stderr[-3000:]}")

    def start_web(self, host: str) -> services.Process:
        """deploy/systemd/xinsheng-web.service's command (its access log goes to the host's log)."""
        env = self.app_environment(host, "web")
        return self._run_in(host, host, services.unit_command("web", env), env=env)

    def start_worker(self, host: str) -> services.Process:
        env = self.app_environment(host, "worker")
        return self._run_in(host, host, services.unit_command("worker", env), env=env)

    def _start_proxy(self) -> None:
        certificate, key = services.self_signed(self.folder, SERVER_NAME)
        site = self.folder / "xinsheng.conf"
        site.write_text(services.render_site([self.addresses[h] for h in self.web_hosts], server_name=SERVER_NAME,
                                             certificate=certificate, key=key))
        main = self.folder / "nginx.conf"
        main.write_text(services.nginx_main(self.folder / "nginx", site))
        proxy = self._run_in("proxy", "nginx", ["nginx", "-c", str(main), "-g", "daemon off;"])
        services.wait_for_port(self.addresses["proxy"], 443, proxy)

    def kill(self, name: str) -> None:
        """SIGKILL a host's service with all its processes (a crashed machine, as far as its
        clients can tell)."""
        self.processes[name].kill()
        self.processes[name].popen.wait(timeout=10)

    def stop(self) -> None:
        """Everything this bed made: processes first, then namespaces and the bridge, then its
        files. Safe to call after a failed or partial start."""
        services.stop_all(list(self.processes.values()))
        if self.network is not None:
            self.network.remove()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- talking to it ----------------------------------------------------------------------

    def browser(self, host: str | None = None) -> Browser:
        """Through nginx over https (``host`` None), or straight to a web host with the headers
        nginx would add."""
        if host is None:
            return Browser(self.addresses["proxy"], 443, host=SERVER_NAME, tls=True)
        return Browser(self.addresses[host], services.WEB_PORT, host=SERVER_NAME, tls=False,
                       forwarded_for=self.client_address)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self, host: str) -> str:
        """What the web host wrote: its access log (gunicorn --access-logfile -) and errors."""
        return self.log(host)
