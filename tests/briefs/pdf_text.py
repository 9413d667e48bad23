"""Read the text drawn in a PDF written by fpdf2 (zlib-compressed content streams, literal strings),
enough for tests to check what a page says without a PDF library."""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
LITERAL = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")


def pdf_text(data: bytes) -> str:
    chunks = []
    for raw in STREAM.findall(data):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        for literal in LITERAL.findall(content):
            text = re.sub(rb"\\(.)", rb"\1", literal)
            chunks.append(text.decode("latin-1"))
    return "\n".join(chunks)


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))
