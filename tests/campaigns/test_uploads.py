"""Draft uploads are judged by their bytes, their size and their name, never by what the browser says.
Every file here is real bytes of its kind (a PNG that decodes, an MP4 that starts with its `ftyp` box,
a ZIP built by zipfile), so the test fails if detection looked at the name or the declared type."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.deliverables.uploads import UploadError, UploadErrorCode, check_draft_upload, clean_file_name


def _png() -> bytes:
    """A valid 1x1 white PNG: signature, IHDR, IDAT, IEND, each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _mp4(brand: bytes = b"isom") -> bytes:
    """The start of an MP4 as phones and editors write it: an `ftyp` box, then a `free` box."""
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 16) + b"free" + b"\x00" * 8


def _mov() -> bytes:
    ftyp = b"ftypqt  \x00\x00\x02\x00qt  "
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00\x00\x00\x08wide"


def _webm() -> bytes:
    # EBML header with DocType "webm", as every WebM file starts.
    return (
        bytes.fromhex("1a45dfa3")
        + b"\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
        + (b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02")
    )


def _pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "not a video")
    return buffer.getvalue()


def _upload(name: str, content: bytes, declared: str = "video/mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=declared)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("draft.mp4", _mp4(), "video/mp4"),
        ("draft.MP4", _mp4(b"mp42"), "video/mp4"),
        ("take-2.mov", _mov(), "video/quicktime"),
        ("cut.webm", _webm(), "video/webm"),
        ("cover.png", _png(), "image/png"),
        ("script.pdf", _pdf(), "application/pdf"),
    ],
)
def test_an_allowed_draft_is_recognised_by_its_bytes(name, content, expected):
    checked = check_draft_upload(_upload(name, content, declared="application/octet-stream"))

    assert (checked.content_type, checked.name, checked.size) == (expected, name, len(content))


@pytest.mark.parametrize(
    ("label", "content"),
    [("zip", _zip()), ("html", b"<!doctype html><html><script>alert(document.cookie)</script></html>")],
)
def test_a_file_named_mp4_that_is_really_something_else_is_refused(label, content):
    with pytest.raises(UploadError) as refused:
        check_draft_upload(_upload("draft.mp4", content, declared="video/mp4"))

    assert refused.value.code == UploadErrorCode.TYPE_NOT_ALLOWED
    assert "video" in refused.value.fields["file"][0]  # the message says what to upload instead


def test_an_empty_file_is_refused():
    with pytest.raises(UploadError) as refused:
        check_draft_upload(_upload("draft.mp4", b""))

    assert refused.value.code == UploadErrorCode.EMPTY


def test_a_file_over_the_configured_limit_is_refused_and_one_at_the_limit_is_taken(settings):
    settings.DRAFT_UPLOAD_MAX_MB = 1
    one_mb = 1024 * 1024
    at_limit = _mp4() + b"\x00" * (one_mb - len(_mp4()))

    with pytest.raises(UploadError) as refused:
        check_draft_upload(_upload("big.mp4", at_limit + b"\x00"))
    taken = check_draft_upload(_upload("fits.mp4", at_limit))

    assert refused.value.code == UploadErrorCode.TOO_LARGE and "at most 1 MB" in refused.value.message
    assert taken.size == one_mb


def test_a_path_in_the_file_name_is_dropped():
    # The raw name as a client sent it (UploadedFile itself would already strip the directories).
    checked = check_draft_upload(_upload("x.mp4", _mp4()), name="../../etc/passwd.mp4")

    assert checked.name == "passwd.mp4"
    assert clean_file_name("..\\..\\windows\\system.ini.png") == "system.ini.png"


def test_control_and_bidi_characters_are_removed_from_the_name():
    # U+202E (right-to-left override) would show "draft\u202e4pm.exe" as "draftexe.mp4" in a browser.
    assert clean_file_name("dr\x00aft\u202e\n.mp4") == "draft.mp4"
    assert clean_file_name("my <cut>; v2.mp4") == "my _cut__ v2.mp4"


def test_a_long_name_is_capped_and_keeps_its_extension():
    name = clean_file_name("a" * 300 + ".webm")

    assert len(name) == 120 and name.endswith("a.webm")


@pytest.mark.parametrize("name", ["", "...", "/", "../.. /"])
def test_a_name_with_nothing_usable_left_is_refused(name):
    with pytest.raises(UploadError) as refused:
        check_draft_upload(_upload("x.mp4", _mp4()), name=name)

    assert refused.value.code == UploadErrorCode.NAME_INVALID


@pytest.mark.parametrize(("name", "content"), [("photo.mp4", _png()), ("clip", _mp4()), ("clip.mov", _mp4())])
def test_the_extension_must_agree_with_what_the_bytes_are(name, content):
    with pytest.raises(UploadError) as refused:
        check_draft_upload(_upload(name, content))

    assert refused.value.code == UploadErrorCode.EXTENSION_MISMATCH
    assert "Rename it" in refused.value.message
