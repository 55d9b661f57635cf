"""Behind a reverse proxy: ``TRUSTED_PROXIES`` (the number of proxies in front of the app, 0 by
default) wraps the app in werkzeug's :class:`~werkzeug.middleware.proxy_fix.ProxyFix`, which
takes the client's address, the scheme and the host from that many hops of
``X-Forwarded-For``, ``X-Forwarded-Proto`` and ``X-Forwarded-Host``.

So ``request.remote_addr`` (what the rate limits count by), ``request.scheme`` (secure cookies,
the CSRF referrer check on https) and ``request.host`` (``TRUSTED_HOSTS``, ``url_for(...,
_external=True)``) are the visitor's, not the proxy's. With 0 the headers are ignored: anyone
could send them. With N > 0 the app believes the last N hops whoever connects, so the web hosts
must be reachable only through the proxies (see deploy/ and the README's operator's guide).
Links handed out (e-mails, links.csv) come from ``PUBLIC_BASE_URL`` either way
(survey/public_urls.py)."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
