"""PDF export: print the standalone HTML report with headless Chromium (Debian's package).

``html_to_pdf(html, *, chromium=None, timeout_ms=60000) -> bytes`` loads the page from a
temporary file (``file://``), waits until every ``.plotly-graph-div`` has rendered
(``.js-plotly-plot`` with its SVG), and prints A4 with backgrounds. CJK text uses the installed
fonts (fonts-noto-cjk). ``write_pdf(html, path)`` writes the file. Raises :class:`PdfError` when
Chromium is missing or the plots do not render in time.
"""
from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")
# A4 (210 mm) less 2 × 10 mm margins = 190 mm ≈ 718 CSS px: plots are laid out at the printed width.
PRINT_VIEWPORT = {"width": 718, "height": 1000}
_RENDERED = """() => {
  const divs = document.querySelectorAll('.plotly-graph-div');
  return Array.from(divs).every(d => d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg'));
}"""


class PdfError(RuntimeError):
    """The PDF could not be produced; the message says why."""


def chromium_path(explicit: str | None = None) -> str:
    """The Chromium executable: ``explicit``, else ``chromium`` on PATH, else /usr/bin/chromium."""
    path = explicit or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise PdfError(f"Chromium not found at {path!r}; install Debian's chromium package")
    return path


def html_to_pdf(html: str, *, chromium: str | None = None, timeout_ms: int = 60000) -> bytes:
    """The PDF bytes of ``html`` printed in headless Chromium once all plots have rendered.

    Playwright runs in a worker thread of its own, so this works even where the calling thread
    already drives Playwright or an asyncio loop (tests, async servers).
    """
    executable = chromium_path(chromium)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-pdf") as pool:
        return pool.submit(_print, html, executable, timeout_ms).result()


def _print(html: str, executable: str, timeout_ms: int) -> bytes:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # an install made without requirements.lock
        raise PdfError("the Python package playwright is missing; run make install") from error

    with tempfile.TemporaryDirectory(prefix="xinsheng-report-") as folder:
        source = Path(folder) / "report.html"
        source.write_text(html, encoding="utf-8")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS),
                                                     headless=True)
                try:
                    page = browser.new_page(viewport=PRINT_VIEWPORT)
                    page.goto(source.as_uri(), wait_until="load", timeout=timeout_ms)
                    page.wait_for_function(_RENDERED, timeout=timeout_ms)
                    page.evaluate("document.fonts.ready.then(() => true)")
                    return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                                    margin={"top": "10mm", "bottom": "10mm", "left": "10mm", "right": "10mm"})
                finally:
                    browser.close()
        except PlaywrightError as error:
            raise PdfError(f"printing the report in Chromium failed: {error}") from error


def write_pdf(html: str, path: str | Path, **options: object) -> Path:
    """Print ``html`` to the PDF file ``path`` (parents must exist); returns the path."""
    target = Path(path)
    target.write_bytes(html_to_pdf(html, **options))  # type: ignore[arg-type]
    return target
