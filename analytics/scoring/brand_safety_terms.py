"""Matching a workspace's must-avoid terms in video captions and hashtags: text folded for case and
accents, the terms compiled into one regex per field (whole words in captions, whole tags in hashtags),
and every hit with an excerpt around it. Pure Python and pandas; analytics.brand_safety runs the scan
and stores the hits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analytics.scoring.frames import require_columns

BRAND_SAFETY_COLUMNS = ("creator_id", "video_id", "term", "field", "excerpt")
BRAND_SAFETY_EXCERPT_CHARS = 40  # characters kept on each side of a hit

# Combining marks (accents written as separate code points, as in NFD text).
_COMBINING_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_JOINER = r"[\s_-]+"  # between the words of a multi-word term: "gun shop", "gun-shop"


def fold_text(text: str) -> str:
    """Case- and accent-insensitive form: NFKD, combining marks dropped, casefolded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def _letter_variants() -> dict[str, str]:
    """Base letter -> the precomposed letters that fold to it ("e" -> "èéêëÈÉ…"), Latin/Greek/Cyrillic."""
    variants: dict[str, set[str]] = {}
    for start, end in ((0x00C0, 0x0530), (0x1E00, 0x2000)):
        for code_point in range(start, end):
            char = chr(code_point)
            base = fold_text(char)
            if len(base) == 1 and base != char:
                variants.setdefault(base, set()).add(char)
    return {base: "".join(sorted(chars)) for base, chars in variants.items()}


_LETTER_VARIANTS = _letter_variants()


def _term_key(text: str) -> str:
    return re.sub(_WORD_JOINER, "", fold_text(text))


def _term_pattern(folded: str, joiner: str) -> str:
    parts = []
    for char in folded:
        if char == " ":
            parts.append(joiner)
        else:
            chars = char + _LETTER_VARIANTS.get(char, "")
            parts.append("[" + "".join(re.escape(c) for c in chars) + f"][{_COMBINING_MARKS}]*")
    return "".join(parts)


def compile_brand_safety_terms(terms: Iterable[str]) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]] | None:
    """One regex for captions (whole words), one for the hashtags field (whole tags; the words of a
    multi-word term joined: "gun shop" matches #gunshop), and folded match -> term; None without terms."""
    lookup: dict[str, str] = {}
    folded_terms: dict[str, str] = {}
    for term in terms:
        folded = fold_text(str(term).lstrip("#"))
        if folded and _term_key(folded) not in lookup:
            lookup[_term_key(folded)] = str(term)
            folded_terms[folded] = str(term)
    if not folded_terms:
        return None
    ordered = sorted(folded_terms, key=len, reverse=True)  # longest first: "gun shop" before "gun"
    caption = "|".join(_term_pattern(folded, _WORD_JOINER) for folded in ordered)
    hashtag = "|".join(_term_pattern(folded.replace(" ", ""), "") for folded in ordered)
    caption_re = re.compile(rf"(?<![\w{_COMBINING_MARKS}])(?:{caption})(?!\w)", re.IGNORECASE)
    hashtag_re = re.compile(rf"(?<!\S)#?(?:{hashtag})(?!\S)", re.IGNORECASE)
    return caption_re, hashtag_re, lookup


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - BRAND_SAFETY_EXCERPT_CHARS)
    right = min(len(text), end + BRAND_SAFETY_EXCERPT_CHARS)
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


def brand_safety_hits(videos: pd.DataFrame, terms: Iterable[str]) -> pd.DataFrame:
    """Every (video, term, field) where a term appears as a whole word in the caption or as a whole tag
    in the hashtags, ignoring case and accents: `BRAND_SAFETY_COLUMNS`, term as given by the caller.

    One compiled regex per field scans the whole column; only the matching rows are then walked to
    name the terms and cut excerpts."""
    require_columns(videos, ("creator_id", "video_id", "caption", "hashtags"), "videos")
    compiled = compile_brand_safety_terms(terms)
    rows: list[tuple[Any, ...]] = []
    if compiled is not None:
        caption_re, hashtag_re, lookup = compiled
        for field, pattern in (("caption", caption_re), ("hashtags", hashtag_re)):
            text = videos[field]
            hit = text.str.contains(pattern, na=False).to_numpy(dtype=bool) if len(text) else np.zeros(0, bool)
            matched = videos.loc[hit, ["creator_id", "video_id", field]]
            for creator_id, video_id, value in matched.itertuples(index=False, name=None):
                seen: set[str] = set()
                for match in pattern.finditer(value):
                    term = lookup.get(_term_key(match.group(0)), match.group(0))
                    if term not in seen:
                        seen.add(term)
                        rows.append((creator_id, video_id, term, field, _excerpt(value, match.start(), match.end())))
    hits = pd.DataFrame(rows, columns=list(BRAND_SAFETY_COLUMNS))
    return hits.sort_values(["creator_id", "video_id", "field", "term"], ignore_index=True)
