"""Verified domains: a workspace adds a host, publishes a token at
`https://<domain>/.well-known/creatordesk-verify.txt`, and CreatorDesk fetches it to mark the host
verified. Only verified hosts can be a tracking link's destination (`analytics.destinations`).

The fetch happens outside any transaction (no HTTP inside one) and follows no redirect, so the proof
has to be served by the domain itself. A self-hosted install without outbound HTTPS can mark a domain
verified in the admin instead (`VerifiedDomainAdmin`, action "Mark verified")."""

from __future__ import annotations

import secrets

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from analytics.destinations import normalize_domain
from analytics.models import VerifiedDomain
from analytics.tracking_errors import (
    TrackingError,
    TrackingErrorCode,
    TrackingNotFoundError,
    TrackingPermissionError,
)

PROOF_MAX_BYTES = 4096  # the proof is one token; never read a large body into memory
VERIFICATION_TOKEN_BYTES = 24


def require_manager(*, workspace_id: int, user: User) -> None:
    """Managers and owners write links and domains; analysts (and non-members) are refused first."""
    if not has_workspace_role(workspace_id=workspace_id, user=user):
        raise TrackingPermissionError(
            "Only the workspace's managers and owners can change tracking links and domains.",
            code=TrackingErrorCode.ROLE_REQUIRED,
        )


def verified_hosts(*, workspace: Workspace) -> list[str]:
    return list(
        VerifiedDomain.objects.filter(workspace=workspace, verified_at__isnull=False).values_list("domain", flat=True)
    )


@transaction.atomic
def add_verified_domain(*, workspace: Workspace, by: User, domain: str) -> VerifiedDomain:
    """Add a (not yet verified) domain with a fresh verification token."""
    require_manager(workspace_id=workspace.pk, user=by)
    host = normalize_domain(domain)
    if VerifiedDomain.objects.filter(workspace=workspace, domain=host).exists():
        raise TrackingError(
            f"{host} is already listed.",
            code=TrackingErrorCode.DOMAIN_EXISTS,
            fields={"domain": [f"{host} is already listed."]},
        )
    try:
        with transaction.atomic():
            row = VerifiedDomain.objects.create(
                workspace=workspace,
                domain=host,
                verification_token=f"creatordesk-verify={secrets.token_urlsafe(VERIFICATION_TOKEN_BYTES)}",
                added_by=by,
            )
    except IntegrityError as exc:  # the same domain added twice at once
        raise TrackingError(f"{host} is already listed.", code=TrackingErrorCode.DOMAIN_EXISTS) from exc
    record_audit_event(workspace=workspace, actor=by, action="verified_domain.added", target=host)
    return row


@transaction.atomic
def remove_verified_domain(*, domain: VerifiedDomain, by: User) -> None:
    """Links already created keep their frozen destination; new links can no longer use the host."""
    require_manager(workspace_id=domain.workspace_id, user=by)
    row = VerifiedDomain.objects.select_for_update().filter(pk=domain.pk).first()
    if row is None:
        raise TrackingNotFoundError("This domain does not exist.", code=TrackingErrorCode.NOT_FOUND)
    row.delete()
    record_audit_event(workspace=row.workspace, actor=by, action="verified_domain.removed", target=row.domain)


def proof_url(domain: str) -> str:
    return settings.DOMAIN_VERIFICATION_URL.format(domain=domain)


def fetch_proof(domain: VerifiedDomain) -> str:
    """'' when the proof is there, else why not (shown to the user). Never raises for network trouble."""
    try:
        with (
            httpx.Client(timeout=settings.DOMAIN_VERIFICATION_TIMEOUT_S, follow_redirects=False) as client,
            client.stream("GET", proof_url(domain.domain)) as response,
        ):
            if response.status_code != 200:
                return f"{proof_url(domain.domain)} answered HTTP {response.status_code}."
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= PROOF_MAX_BYTES:
                    break
    except httpx.HTTPError as exc:
        return f"Could not fetch {proof_url(domain.domain)}: {type(exc).__name__}."
    if domain.verification_token not in body[:PROOF_MAX_BYTES].decode("utf-8", errors="replace"):
        return f"{proof_url(domain.domain)} does not contain the verification token."
    return ""


def verify_domain(*, domain: VerifiedDomain, by: User) -> VerifiedDomain:
    """Fetch the proof (no transaction open), then record the outcome. Raises VERIFICATION_FAILED with
    the reason when the proof is missing; the reason is also kept on the row."""
    require_manager(workspace_id=domain.workspace_id, user=by)
    error = fetch_proof(domain)
    with transaction.atomic():
        row = VerifiedDomain.objects.select_for_update().filter(pk=domain.pk).first()
        if row is None:
            raise TrackingNotFoundError("This domain does not exist.", code=TrackingErrorCode.NOT_FOUND)
        row.last_checked_at = timezone.now()
        row.last_error = error[:300]
        fields = ["last_checked_at", "last_error", "updated_at"]
        if not error and row.verified_at is None:
            row.verified_at = row.last_checked_at
            fields.append("verified_at")
            record_audit_event(workspace=row.workspace, actor=by, action="verified_domain.verified", target=row.domain)
        row.save(update_fields=fields)
    if error:
        raise TrackingError(error, code=TrackingErrorCode.VERIFICATION_FAILED)
    return row


@transaction.atomic
def mark_domain_verified_by_admin(*, domain: VerifiedDomain, by: User | None) -> None:
    """Dangerous: verification without proof, for self-hosters whose server cannot reach the domain.
    Only the Django admin (staff) calls it; the audit row names who did it."""
    updated = VerifiedDomain.objects.filter(pk=domain.pk, verified_at__isnull=True).update(
        verified_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    if updated:
        record_audit_event(
            workspace=domain.workspace, actor=by, action="verified_domain.verified_by_admin", target=domain.domain
        )
