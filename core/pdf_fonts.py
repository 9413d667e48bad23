"""The Unicode font every generated PDF embeds, and the text filter that goes with it.

fpdf2's core fonts (Helvetica...) only know Latin-1, so a Polish, Turkish, Greek or Cyrillic name came
out as '?'. The PDFs embed DejaVu Sans instead (vendored in core/fonts, see its README: no internet and
no system font is needed), and `printable` keeps every character that font can draw.

Embedding stays deterministic, which contract hashes rely on: fpdf2 embeds a subset of the glyphs used,
under the fixed subset tag "MPDFAA", opens the font without recalculating its `head` timestamp and
derives the file id from the content, so the same text and creation date give the same bytes. The
subsetter is fontTools, pinned in requirements.txt: another version may write other bytes."""

import functools
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
# The styles the PDFs use. There is no italic face: draw emphasis in bold or regular.
_FACES: dict[str, Path] = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}

# Typographic characters people paste, with a plain stand-in used only if the font has no glyph for
# them (DejaVu Sans has all of these today; the table keeps a smaller font from turning them into '?').
_TYPOGRAPHY: dict[str, str] = {
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
}
# Layout characters that have no glyph but must survive: fpdf2 breaks lines on "\n" and drops "\r"
# itself. A tab has no glyph in a TrueType font (fpdf2 would draw a missing-glyph box); Helvetica drew it
# as a blank as wide as a space, so it becomes a space.
_LAYOUT: dict[str, str] = {"\n": "\n", "\r": "\r", "\t": " "}


def use_unicode_font(pdf: FPDF, *, size: float = 10) -> None:
    """Register the regular and bold faces on `pdf` under one family and select it. Later set_font calls
    change only style and size (`set_font(style="B", size=14)`), so the family stays this one."""
    for style, path in _FACES.items():
        pdf.add_font(FAMILY, style, path)
    pdf.set_font(FAMILY, size=size)


@functools.cache
def _drawable() -> frozenset[int]:
    """The code points both faces have a glyph for. `printable` does not know which face its text will be
    set in, and the faces differ by a few hundred rare characters, so only what both draw is kept.
    Computed once per process: reading the cmaps of two ~700 kB fonts is not free."""
    cmaps = []
    for path in _FACES.values():
        with TTFont(path, lazy=True) as font:  # lazy: only the cmap table is read
            cmaps.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*cmaps)


def printable(text: str) -> str:
    """`text` as the embedded font can draw it: NFC-normalised (so a letter typed as base + accent uses
    the font's precomposed glyph), with any character the font lacks (emoji, CJK...) replaced by '?',
    and newlines kept. The stored text keeps the original characters; the PDF shows this rendering."""
    drawable = _drawable()
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char in _LAYOUT:
            out.append(_LAYOUT[char])
        elif ord(char) in drawable:
            out.append(char)
        else:
            out.append(_TYPOGRAPHY.get(char, "?"))
    return "".join(out)
