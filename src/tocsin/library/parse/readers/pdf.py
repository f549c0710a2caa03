"""PDF: the text of each page as laid out (pypdf's layout mode), so list markers stay in front
of their items and a blank line stands for the space between paragraphs. Running heads and
feet repeated on the pages are dropped; scanned pages without a text layer give no lines."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from tocsin.library.errors import DocumentUnreadable
from tocsin.library.parse.readers import Reader, register
from tocsin.library.parse.source import MAX_BYTES, Layout, SourceText, pages_to_lines

if TYPE_CHECKING:
    from pypdf import PageObject


def read_pdf(data: bytes) -> SourceText:
    if len(data) > MAX_BYTES:
        raise DocumentUnreadable(f"the file is larger than {MAX_BYTES // 2**20} MB")
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns on every odd font
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentUnreadable("the PDF is encrypted")
        pages = [_page_text(page) for page in reader.pages]
    except DocumentUnreadable:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files; all mean "unreadable"
        raise DocumentUnreadable(f"the PDF could not be read: {exc}") from exc
    return pages_to_lines([page.split("\n") for page in pages], Layout.BLOCKS)


def _page_text(page: PageObject) -> str:
    try:
        return page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode fails on some fonts; the plain order is better than nothing
        return page.extract_text()


READER = register(Reader("pdf", ("pdf",), lambda data: b"%PDF-" in data[:1024], read_pdf))
