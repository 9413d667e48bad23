"""The text discovery searches: unaccented, lower-cased, so 'Éva' finds 'eva' and back."""

import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower-case and strip accents (NFKD, then drop combining marks) — what PostgreSQL's unaccent does."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_document(*, handle: str, display_name: str = "", bio: str = "", hashtags: Iterable[str] = ()) -> str:
    # Handles like "glow.by_maya" also index their parts, so "maya" matches.
    handle_parts = handle.replace(".", " ").replace("_", " ")
    tags = " ".join(tag.lstrip("#") for tag in hashtags)
    return fold(" ".join(part for part in (handle, handle_parts, display_name, bio, tags) if part)).strip()
