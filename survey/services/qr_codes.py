"""QR codes of survey links (segno): SVG for print and the web, PNG for slides and chat apps.

Error correction level M (15 % of the symbol may be damaged: a code printed on a receipt still
scans), a quiet zone of 4 modules as ISO/IEC 18004 asks, black on white.
"""
from __future__ import annotations

import io
from typing import Literal

import segno

__all__ = ["FORMATS", "qr_code"]

Format = Literal["svg", "png"]
#: Format → (MIME type, pixels per module).
FORMATS: dict[str, tuple[str, int]] = {"svg": ("image/svg+xml", 4), "png": ("image/png", 8)}


def qr_code(link: str, fmt: Format) -> bytes:
    """The QR code of ``link`` as an SVG or PNG file; ValueError for another format."""
    if fmt not in FORMATS:
        raise ValueError(f"QR code format {fmt!r} is not one of {', '.join(FORMATS)}")
    code = segno.make_qr(link, error="m")
    buffer = io.BytesIO()
    options = {"title": link} if fmt == "svg" else {}
    code.save(buffer, kind=fmt, scale=FORMATS[fmt][1], border=4, **options)
    return buffer.getvalue()
