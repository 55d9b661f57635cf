"""A browser-like HTTP client for the test deployment: one keep-alive connection, a cookie jar,
the Host it believes it talks to, and the Referer a browser sends to its own site."""
from __future__ import annotations

import http.client
import re
import ssl
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HIDDEN = re.compile(r'name="(xs_submission|xs_shown)" type="hidden" value="([^"]*)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Unknown(Exception):
    """No answer came back (connection reset, refused, timed out): the request may or may not
    have been carried out."""


class Browser:
    """Talks to ``address:port`` (the proxy over https, or a web host over http with the headers
    the proxy would add) as ``host``."""

    def __init__(self, address: str, port: int, *, host: str, tls: bool, forwarded_for: str | None = None,
                 timeout: float = 30.0) -> None:
        self.address, self.port, self.host, self.tls = address, port, host, tls
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        # Talking to a web host directly: the headers nginx sets (deploy/nginx/xinsheng.conf).
        self.proxy_headers = {} if forwarded_for is None else {
            "X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https", "X-Forwarded-Host": host}
        self.connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            if self.tls:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE  # the testbed's own self-signed certificate
                self.connection = http.client.HTTPSConnection(self.address, self.port, timeout=self.timeout,
                                                              context=context)
            else:
                self.connection = http.client.HTTPConnection(self.address, self.port, timeout=self.timeout)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _prepare(self, data: dict | None, referer: str | None, headers: dict | None) -> tuple[dict, bytes | None]:
        sent = {"Host": self.host, **self.proxy_headers, **(headers or {})}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            sent.update(FORM)
        if referer:
            sent["Referer"] = f"https://{self.host}{referer}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return sent, body

    def send_and_drop(self, method: str, path: str, data: dict | None = None, *, referer: str | None = None) -> None:
        """Send a request and hang up without reading the answer: a response lost on the way
        back (the server may or may not have carried it out)."""
        sent, body = self._prepare(data, referer, None)
        try:
            self._connect().request(method, path, body=body, headers=sent)
        except (OSError, http.client.HTTPException):
            pass
        self.close()

    def request(self, method: str, path: str, data: dict | None = None, *, referer: str | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, str]:
        """(status, headers, body); raises :class:`Unknown` when no answer came."""
        sent, body = self._prepare(data, referer, headers)
        try:
            connection = self._connect()
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Unknown(f"{method} {path}: {error!r}") from error
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, response.headers, text

    def form(self, path: str) -> tuple[int, dict[str, str], str]:
        """GET a page; (status, the hidden fields its form posts back, html)."""
        status, _headers, html = self.request("GET", path)
        fields = {}
        match = CSRF.search(html)
        if match:
            fields["csrf_token"] = match.group(1)
        fields.update(dict(HIDDEN.findall(html)))
        return status, fields, html


def location_path(headers: http.client.HTTPMessage) -> str:
    parts = urlsplit(headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")
