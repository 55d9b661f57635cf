"""The shipped deploy/ files as the testbed reads them (no root needed): the multi-host test
runs these files, so a change that breaks what it relies on fails here first, by name."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from config import Config
from deploy.testbed import services


def test_the_site_is_rendered_with_one_upstream_line_per_web_host_and_no_placeholder_left(tmp_path) -> None:
    site = services.render_site(["10.1.1.11", "10.1.1.12", "10.1.1.13"], server_name="survey.test",
                                certificate=tmp_path / "c.pem", key=tmp_path / "k.pem")
    upstream = re.search(r"upstream xinsheng_web \{(.*?)\}", site, re.S).group(1)
    assert re.findall(r"^\s*server (\S+) max_fails=1 fail_timeout=10s;", upstream, re.M) == [
        "10.1.1.11:8000", "10.1.1.12:8000", "10.1.1.13:8000"]
    directives = "\n".join(line.split("#")[0] for line in site.splitlines())
    for placeholder in ("survey.example.com", "/etc/ssl/xinsheng", "/srv/xinsheng", ".internal"):
        assert placeholder not in directives
    assert f"alias {services.ROOT / 'survey' / 'static'}/;" in site


def test_the_site_passes_the_apps_body_limit_and_the_headers_proxy_fix_reads() -> None:
    site = services.SITE.read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert megabytes * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme",
                   "X-Forwarded-Host $host"):
        assert f"proxy_set_header {header};" in site


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make system-packages)")
def test_nginx_accepts_the_rendered_site(tmp_path) -> None:
    certificate, key = services.self_signed(tmp_path, "survey.test")
    site = tmp_path / "site.conf"
    site.write_text(services.render_site(["127.0.0.1"], server_name="survey.test", certificate=certificate, key=key))
    main = tmp_path / "nginx.conf"
    main.write_text(services.nginx_main(tmp_path / "nginx", site))
    checked = subprocess.run(["nginx", "-t", "-c", str(main)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_a_template_setting_the_testbed_does_not_fill_is_named() -> None:
    with pytest.raises(ValueError, match=r"sets \['TRUSTED_PROXIES'"):
        services.environment("web", {"XINSHENG_ENV": "production"} | {k: "x" for k in (
            "SECRET_KEY", "DATABASE_URL", "JOB_QUEUE_URL", "XINSHENG_BASE_URL")})


def test_the_units_commands_are_the_ones_the_testbed_runs() -> None:
    env = {"BIND": "10.0.0.11:8000", "WEB_WORKERS": "3", "WORKER_THREADS": "2"}
    web = services.unit_command("web", env)
    assert Path(web[0]).name == "gunicorn" and web[1:5] == ["--bind", "10.0.0.11:8000", "--workers", "3"]
    assert web[-1] == "run:app"
    assert services.unit_command("worker", env)[1:] == ["--app", "run", "jobs", "worker", "--workers", "2"]
    # No secret in a template: only placeholders.
    for kind in ("web", "worker"):
        text = services.ENV_TEMPLATES[kind].read_text()
        assert re.search(r"^SECRET_KEY=REPLACE_", text, re.M) and "REPLACE_PASSWORD" in text
