"""Verified domains: a workspace adds a host, publishes a token at
`https://<domain>/.well-known/creatordesk-verify.txt`, and CreatorDesk fetches it to mark the host
verified. Only verified hosts can be a tracking link's destination (`analytics.tracking.destinations`).

"Verify" only queues the fetch (`request_domain_verification`, at most DOMAIN_VERIFICATION_TRIES_PER_HOUR
per workspace); a worker fetches it (`check_domain_proof`) outside any transaction, under one total
deadline, from public addresses only and following no redirect (`analytics.tracking.proof_fetch`), so the proof
has to be served by the domain itself and a slow server cannot hold a web thread. The page polls until
the outcome is recorded. A self-hosted install without outbound HTTPS can mark a domain verified in the
admin instead (`VerifiedDomainAdmin`, action "Mark verified")."""

from __future__ import annotations

import math
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from analytics.models import VerifiedDomain
from analytics.tracking.destinations import normalize_domain
from analytics.tracking.errors import (
    TrackingError,
    TrackingErrorCode,
    TrackingNotFoundError,
    TrackingPermissionError,
    TrackingRateLimitedError,
)
from analytics.tracking.proof_fetch import ProofFetchError, fetch_proof_url
from core import throttle
from core.queue import enqueue_on_commit

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


def fetch_proof(*, domain: VerifiedDomain) -> str:
    """'' when the proof is there, else why not (shown to the user). Never raises for network trouble.
    Slow: up to DOMAIN_VERIFICATION_TIMEOUT_S, so only the worker calls it."""
    url = proof_url(domain.domain)
    try:
        response = fetch_proof_url(
            url,
            deadline_s=settings.DOMAIN_VERIFICATION_TIMEOUT_S,
            max_bytes=PROOF_MAX_BYTES,
            allowed_networks=settings.DOMAIN_VERIFICATION_ALLOWED_NETWORKS,
        )
    except ProofFetchError as exc:
        return str(exc)
    if 300 <= response.status < 400:
        return f"{url} answered HTTP {response.status}: redirects are not followed, serve the file at this address."
    if response.status != 200:
        return f"{url} answered HTTP {response.status}."
    if response.is_truncated:
        return f"{url} is larger than {PROOF_MAX_BYTES:,} bytes: serve the token alone."
    if domain.verification_token not in response.body.decode("utf-8", errors="replace"):
        return f"{url} does not contain the verification token."
    return ""


@transaction.atomic
def request_domain_verification(*, domain: VerifiedDomain, by: User) -> VerifiedDomain:
    """ "Verify": mark the domain as being checked and queue `verify_domain_task` on commit. Managers
    only. A domain already verified or being checked is returned as is (a double click queues nothing
    and spends no try); past DOMAIN_VERIFICATION_TRIES_PER_HOUR tries per workspace a
    TrackingRateLimitedError says when to try again, and nothing is written or queued."""
    require_manager(workspace_id=domain.workspace_id, user=by)
    row = VerifiedDomain.objects.select_for_update(of=("self",)).filter(pk=domain.pk).first()
    if row is None:
        raise TrackingNotFoundError("This domain does not exist.", code=TrackingErrorCode.NOT_FOUND)
    if row.is_verified or row.is_checking:
        return row
    # Each try makes this server fetch a URL a tenant chose: 10 an hour is plenty to fix a typo.
    wait_s = throttle.take(
        scope="domain-verification",
        key=str(row.workspace_id),
        limit=settings.DOMAIN_VERIFICATION_TRIES_PER_HOUR,
        window_s=3600,
    )
    if wait_s:
        minutes = max(1, math.ceil(wait_s / 60))
        raise TrackingRateLimitedError(
            f"This workspace has used its {settings.DOMAIN_VERIFICATION_TRIES_PER_HOUR} verification tries "
            f"for this hour; try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            code=TrackingErrorCode.RATE_LIMITED,
            extra={"retry_after_s": wait_s},
        )
    row.check_requested_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["check_requested_at", "last_error", "updated_at"])
    record_audit_event(workspace=row.workspace, actor=by, action="verified_domain.check_requested", target=row.domain)
    enqueue_on_commit("analytics.tasks.verify_domain_task", row.pk, by.pk)
    return row


def check_domain_proof(*, domain_id: int, requested_by_id: int | None = None) -> str:
    """The worker's half of "Verify": fetch the proof (no transaction open), then record the outcome
    and end the check. Idempotent: a domain gone, already verified or no longer being checked (a
    re-delivered task) is left alone. Returns "verified", "failed" or why nothing was done."""
    row = VerifiedDomain.objects.with_scopes_disabled().filter(pk=domain_id).first()  # type: ignore[attr-defined]
    if row is None:
        return "missing"
    if row.check_requested_at is None:
        return "not-requested"
    error = "" if row.is_verified else fetch_proof(domain=row)
    with transaction.atomic():
        row = (
            VerifiedDomain.objects.with_scopes_disabled()  # type: ignore[attr-defined]
            .select_for_update(of=("self",))
            .select_related("workspace")
            .filter(pk=domain_id)
            .first()
        )
        if row is None:
            return "missing"
        row.check_requested_at = None
        fields = ["check_requested_at", "updated_at"]
        if row.verified_at is None:
            row.last_checked_at = timezone.now()
            row.last_error = error[:300]
            fields += ["last_checked_at", "last_error"]
            if not error:
                row.verified_at = row.last_checked_at
                fields.append("verified_at")
                record_audit_event(
                    workspace=row.workspace,
                    actor=User.objects.filter(pk=requested_by_id).first() if requested_by_id else None,
                    action="verified_domain.verified",
                    target=row.domain,
                )
        row.save(update_fields=fields)
    return "failed" if error else "verified"


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
