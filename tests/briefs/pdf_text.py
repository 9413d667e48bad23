"""Read the text drawn in a generated PDF, so tests can check what a page says.

The PDFs embed a TrueType font, so their content streams hold glyph ids rather than readable strings:
pypdf maps them back to characters through the font's ToUnicode table, as a PDF viewer's copy does."""

import io
import re

from pypdf import PdfReader

# A justified line is drawn word by word with wider gaps, which the extractor reads as several spaces.
_SPACES = re.compile(r" {2,}")


def pdf_text(data: bytes) -> str:
    """Every page's text, one line per drawn line (runs of spaces collapsed, line ends stripped)."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return "\n".join(_SPACES.sub(" ", line).strip() for page in pages for line in page.splitlines())


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)
