"""Printable reports: HTML made into PDF by WeasyPrint, with nothing fetched."""

from __future__ import annotations

from typing import Any


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``. WeasyPrint is loaded on the first report only (it is heavy)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    return pdf


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    # Report templates link nothing; a URL in one could only come from what someone typed, and
    # must not make the server fetch anything.
    raise ValueError(f"external resources are not loaded: {url}")
