"""Fetch plotly.js's "basic" partial bundle (scatter, bar and pie traces: every report figure is
a Scatter or a Bar) for :mod:`reports.plotly_bundle`; run by ``make install``:

    .venv/bin/python -m reports.plotly_install [--tarball FILE]

The npm tarball of the plotly.js version the installed plotly package ships is downloaded with
urllib (no npm needed), checked against its pinned sha512 integrity (the registry's
``dist.integrity``), and ``package/plotly-basic.min.js`` is written to ``reports/vendor/``
(git-ignored). ``--tarball`` takes an already downloaded copy (a machine without Internet); it is
checked the same way. Exits non-zero, writing nothing, when the plotly package ships another
plotly.js version than the pin or the tarball does not match its integrity.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

from reports.plotly_bundle import BASIC_BUNDLE, bundle_version, full_bundle_path

VERSION = "4.1.1"  # plotly.js of plotly==7.1.0 (requirements.lock); update the three together
TARBALL_URL = f"https://registry.npmjs.org/plotly.js-basic-dist-min/-/plotly.js-basic-dist-min-{VERSION}.tgz"
INTEGRITY = "sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/OU5FHUHvzqbqxN4mnwZGI9abTiE775C4kkjMQ=="
MEMBER = "package/plotly-basic.min.js"
MAX_TARBALL = 20 * 1024 * 1024
ATTEMPTS = 3


class InstallError(RuntimeError):
    """The bundle cannot be installed; the message says why."""


def check_integrity(data: bytes, integrity: str = INTEGRITY) -> None:
    """Raise InstallError unless ``data`` has the Subresource-Integrity-style ``sha512-<base64>``."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise InstallError(f"unsupported integrity {integrity!r}: only sha512 is pinned")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise InstallError(f"tarball integrity mismatch: expected sha512-{expected}, got sha512-{actual}")


def extract_bundle(tarball: bytes) -> bytes:
    """``package/plotly-basic.min.js`` of the (gzipped) npm tarball."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            member = archive.getmember(MEMBER)
            if not member.isfile():
                raise InstallError(f"{MEMBER} in the tarball is not a regular file")
            handle = archive.extractfile(member)
            assert handle is not None
            return handle.read()
    except (tarfile.TarError, KeyError, OSError) as error:
        raise InstallError(f"cannot read {MEMBER} from the tarball: {error}") from None


def download(url: str = TARBALL_URL, *, attempts: int = ATTEMPTS) -> bytes:
    """The tarball at ``url`` (a few attempts; at most MAX_TARBALL bytes)."""
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a pinned https URL
                data = response.read(MAX_TARBALL + 1)
            if len(data) > MAX_TARBALL:
                raise InstallError(f"{url} is larger than {MAX_TARBALL} bytes")
            return data
        except OSError as error:
            if attempt == attempts:
                raise InstallError(f"cannot download {url}: {error}") from None
            time.sleep(2 * attempt)
    raise AssertionError("unreachable")


def install(tarball: bytes, target: Path = BASIC_BUNDLE, *, integrity: str = INTEGRITY,
            version: str = VERSION) -> Path:
    """Check ``tarball`` and write its bundle to ``target`` atomically; returns ``target``."""
    check_integrity(tarball, integrity)
    bundle = extract_bundle(tarball)
    found = bundle_version(bundle[:512])
    if found != version:
        raise InstallError(f"the tarball holds plotly.js {found}, not {version}")
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".plotly-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(bundle)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fetch plotly.js's basic bundle for the reports.")
    parser.add_argument("--tarball", type=Path, help=f"a downloaded copy of {TARBALL_URL}")
    args = parser.parse_args(argv)
    try:
        shipped = bundle_version(full_bundle_path().read_bytes()[:512])
        if shipped != VERSION:
            raise InstallError(f"the plotly package ships plotly.js {shipped} but reports/plotly_install.py pins "
                               f"{VERSION}: update VERSION, TARBALL_URL and INTEGRITY "
                               f"(npm view plotly.js-basic-dist-min@{shipped} dist.tarball dist.integrity)")
        data = args.tarball.read_bytes() if args.tarball else download()
        target = install(data)
    except InstallError as error:
        print(f"plotly basic bundle not installed: {error}", file=sys.stderr)
        return 1
    print(f"plotly.js {VERSION} basic bundle: {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
