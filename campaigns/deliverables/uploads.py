"""Checks on a creator's draft upload before anything is stored: what the file IS (read from its first
bytes with `filetype`, never from its name or the browser's declared content type), how big it is
(`settings.DRAFT_UPLOAD_MAX_MB`), and a file name safe to keep and to send back in a download header.

Only drafts a brand can review are accepted: video (MP4, QuickTime, WebM), images (JPEG, PNG, WebP)
and PDF. A refusal raises `UploadError` with the reason under the `file` field; nothing is written."""

import os
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

import filetype
from django.conf import settings

from campaigns.errors import CampaignError

# Detected MIME type -> the file name extensions that may say so (the first is the one we suggest).
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "video/mp4": ("mp4", "m4v"),
    "video/quicktime": ("mov", "qt"),
    "video/webm": ("webm",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
}
ALLOWED_LABEL = "a video (MP4, MOV, WebM), an image (JPEG, PNG, WebP) or a PDF"
# filetype reads at most this many bytes; every signature it knows sits inside them.
SNIFF_BYTES = 8192
FILE_NAME_MAX_CHARS = 120  # DeliverableSubmission.file_name's column; a phone's names are far shorter
_NAME_KEEP = frozenset("-_. ()")  # besides letters and digits, in any script


class UploadErrorCode(StrEnum):
    EMPTY = "upload_empty"
    TOO_LARGE = "upload_too_large"
    TYPE_NOT_ALLOWED = "upload_type_not_allowed"
    NAME_INVALID = "upload_name_invalid"
    EXTENSION_MISMATCH = "upload_extension_mismatch"


class UploadError(CampaignError):
    def __init__(self, message: str, *, code: UploadErrorCode) -> None:
        super().__init__(message, code=code, fields={"file": [message]})


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: store `file` under `name`, remember `content_type`."""

    file: Any  # the UploadedFile (or any file object), rewound to its start
    name: str
    content_type: str
    size: int


def max_draft_upload_bytes() -> int:
    return int(settings.DRAFT_UPLOAD_MAX_MB) * 1024 * 1024


def clean_file_name(raw: str) -> str:
    """The last path component only (a name like `../../etc/passwd.mp4` becomes `passwd.mp4`), in
    Unicode NFC, without control or formatting characters (a right-to-left override can disguise
    `gpj.exe` as `exe.jpg`), other punctuation replaced by `_`, capped at FILE_NAME_MAX_CHARS with its
    extension kept. Raises UploadError when nothing usable is left."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category.startswith("C"):  # Cc control, Cf format (bidi overrides, zero-width), Co, Cs, Cn
            continue
        kept.append(char if char.isalnum() or char in _NAME_KEEP else "_")
    name = " ".join("".join(kept).split()).strip(" .")  # no leading dots: no hidden or `..` names
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if not stem.strip(" ._-"):
        raise UploadError(
            "The file needs a name, such as draft.mp4.",
            code=UploadErrorCode.NAME_INVALID,
        )
    if len(name) > FILE_NAME_MAX_CHARS:
        room = FILE_NAME_MAX_CHARS - (len(extension) + 1 if extension else 0)
        name = f"{stem[:room].rstrip(' .')}.{extension}" if extension else stem[:FILE_NAME_MAX_CHARS]
    return name


def detect_content_type(head: bytes) -> str | None:
    """The MIME type the bytes say, or None when `filetype` does not recognise them."""
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, os.SEEK_END)
    end = int(file.tell())
    file.seek(position)
    return end


def check_draft_upload(file: IO[bytes] | Any, *, name: str | None = None) -> CheckedUpload:
    """Check an uploaded draft: not empty, at most DRAFT_UPLOAD_MAX_MB, of an allowed type by its
    content, with a clean name whose extension agrees with that type. Reads only the first bytes."""
    size = _size(file)
    if size == 0:
        raise UploadError("The file is empty.", code=UploadErrorCode.EMPTY)
    limit = max_draft_upload_bytes()
    if size > limit:
        raise UploadError(
            f"The file is {size / (1024 * 1024):.1f} MB; drafts can be at most {settings.DRAFT_UPLOAD_MAX_MB} MB."
            " Upload a shorter or more compressed version, or share a link instead.",
            code=UploadErrorCode.TOO_LARGE,
        )
    clean_name = clean_file_name(name if name is not None else getattr(file, "name", "") or "")
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    content_type = detect_content_type(head)
    if content_type not in ALLOWED_TYPES:
        what = f"its content is {content_type}" if content_type else "we do not recognise its content"
        raise UploadError(
            f"This file is not a draft we can take ({what}). Upload {ALLOWED_LABEL}.",
            code=UploadErrorCode.TYPE_NOT_ALLOWED,
        )
    extensions = ALLOWED_TYPES[content_type]
    _, dot, extension = clean_name.rpartition(".")
    if not dot or extension.lower() not in extensions:
        raise UploadError(
            f"The file is {content_type.split('/')[1].upper()} inside, but its name ends in "
            f"{'.' + extension if dot else 'no extension'}. Rename it to end in .{extensions[0]}.",
            code=UploadErrorCode.EXTENSION_MISMATCH,
        )
    return CheckedUpload(file=file, name=clean_name, content_type=content_type, size=size)
