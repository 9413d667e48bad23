"""Verifying a contract PDF: recompute the SHA-256 of an uploaded file and find the signed version
it is (as sent, or the final PDF with its certificate page), across every workspace, for the public
verify page (`briefs.contracts.verify_views`). Reads only; the upload is bounded by
VERIFY_MAX_BYTES."""

import hashlib
from dataclasses import dataclass
from typing import IO

from accounts.tenancy import all_workspaces_unscoped
from briefs.contracts.checks import invalid
from briefs.errors import ContractErrorCode
from briefs.models import ContractVersion, SignatureEvent

VERIFY_MAX_BYTES = 20 * 1024 * 1024  # a contract PDF is tens of kB; 20 MB refuses abuse, not documents


@dataclass(frozen=True)
class Verification:
    sha256: str
    version: ContractVersion | None
    is_final: bool  # the signed PDF with its certificate page, rather than the version as sent
    signatures: list[SignatureEvent]

    @property
    def matches(self) -> bool:
        return self.version is not None


def verify_document(*, file: IO[bytes]) -> Verification:
    """Recompute the SHA-256 of an uploaded PDF and find the signed version it is, across every
    workspace: whoever holds the file already holds what it says, and 256 bits cannot be guessed.
    Matches only versions with at least one signature (a merely sent draft proves nothing)."""
    hasher, size = hashlib.sha256(), 0
    while chunk := file.read(64 * 1024):
        size += len(chunk)
        if size > VERIFY_MAX_BYTES:
            raise invalid("file", "That file is too large to be a contract PDF.", ContractErrorCode.FILE_TOO_LARGE)
        hasher.update(chunk)
    digest = hasher.hexdigest()
    with all_workspaces_unscoped():
        version = (
            ContractVersion.objects.filter(sha256=digest, signatures__isnull=False)
            .select_related("contract__collaboration__campaign", "workspace")
            .first()
        ) or (
            ContractVersion.objects.filter(signed_sha256=digest)
            .select_related("contract__collaboration__campaign", "workspace")
            .first()
        )
        signatures = list(version.signatures.order_by("signed_at", "pk")) if version else []
    return Verification(
        sha256=digest,
        version=version,
        is_final=bool(version and version.signed_sha256 == digest),
        signatures=signatures,
    )
