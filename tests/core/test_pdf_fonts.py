"""The text filter of the embedded PDF font: what the font draws is kept, the rest is replaced."""

import pytest

from core import pdf_fonts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Łukasz Żółć, Дарья, Ελένη, Şükrü, Nguyễn", "Łukasz Żółć, Дарья, Ελένη, Şükrü, Nguyễn"),
        ("“quoted” — dash…", "“quoted” — dash…"),  # the font has them: no plain stand-in
        ("Zoe\u0308", "Zoë"),  # typed as base + combining accent: NFC, the font's precomposed glyph
        ("line one\nline two\r\n\tindented", "line one\nline two\r\n indented"),  # a tab has no glyph
        ("party ✨ 你好 🎉", "party ? ?? ?"),  # emoji and CJK the font has no glyph for
        ("ok ✔ 😀", "ok ✔ 😀"),  # DejaVu Sans draws some symbols and emoticons (in black and white)
    ],
)
def test_printable_keeps_what_the_font_draws(text, expected):
    assert pdf_fonts.printable(text) == expected


def test_a_typographic_character_the_font_lacks_gets_its_plain_stand_in(monkeypatch):
    ascii_only = frozenset(range(0x20, 0x7F))
    monkeypatch.setattr(pdf_fonts, "_drawable", lambda: ascii_only)

    quotes_dashes_ellipsis_bullet = "\u201ca\u201d \u2018b\u2019 \u2013 \u2014 \u2026 \u2022 \u0141"
    assert pdf_fonts.printable(quotes_dashes_ellipsis_bullet) == "\"a\" 'b' - - ... - ?"
