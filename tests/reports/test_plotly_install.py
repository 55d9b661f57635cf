"""reports/plotly_install.py installs only a tarball that matches its pinned sha512 integrity and
holds the pinned plotly.js version; nothing is written otherwise."""
from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from reports import plotly_install
from reports.plotly_install import InstallError, install

BUNDLE = b"/**\n* plotly.js (basic - minified) v" + plotly_install.VERSION.encode() + b"\n*/\nwindow.Plotly = {};\n"


def _tarball(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_a_matching_tarball_installs_its_bundle(tmp_path: Path) -> None:
    tarball = _tarball({"package/package.json": b"{}", plotly_install.MEMBER: BUNDLE})
    target = install(tarball, tmp_path / "vendor" / "plotly-basic.min.js", integrity=_integrity(tarball))
    assert target.read_bytes() == BUNDLE
    assert [p.name for p in target.parent.iterdir()] == ["plotly-basic.min.js"]  # no temporary left


def test_a_tarball_that_does_not_match_the_integrity_writes_nothing(tmp_path: Path) -> None:
    tarball = _tarball({plotly_install.MEMBER: BUNDLE})
    tampered = _tarball({plotly_install.MEMBER: BUNDLE + b"alert(1);"})
    target = tmp_path / "plotly-basic.min.js"
    with pytest.raises(InstallError, match="integrity mismatch"):
        install(tampered, target, integrity=_integrity(tarball))
    with pytest.raises(InstallError, match="integrity mismatch"):
        install(tarball, target)  # the pinned integrity is that of the real npm tarball
    assert not target.exists()


def test_a_tarball_without_the_bundle_or_of_another_version_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "plotly-basic.min.js"
    empty = _tarball({"package/package.json": b"{}"})
    with pytest.raises(InstallError, match="cannot read package/plotly-basic.min.js"):
        install(empty, target, integrity=_integrity(empty))
    older = _tarball({plotly_install.MEMBER: BUNDLE.replace(plotly_install.VERSION.encode(), b"3.0.0")})
    with pytest.raises(InstallError, match="plotly.js 3.0.0, not"):
        install(older, target, integrity=_integrity(older))
    assert not target.exists()


def test_the_command_fails_on_a_bad_tarball(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "plotly.tgz"
    bad.write_bytes(_tarball({plotly_install.MEMBER: BUNDLE}))
    assert plotly_install.main(["--tarball", str(bad)]) == 1
    assert "integrity mismatch" in capsys.readouterr().err
