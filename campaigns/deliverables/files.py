"""Serving a draft's uploaded file: only through a view that has already checked who may see it (the
workspace's members, or the creator who uploaded it), never from a public media URL."""

from django.http import FileResponse, Http404

from campaigns.models import DeliverableSubmission

# Shown in the browser when asked to preview; anything else is always a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "video/mp4", "video/quicktime", "video/webm"})


def submission_file_response(submission: DeliverableSubmission, *, download: bool = False) -> FileResponse:
    """Stream the file with the type its bytes were found to be (campaigns.deliverables.uploads), never a type
    guessed from its name, in a sandbox (a crafted file cannot run script on our origin)."""
    if not submission.file:
        raise Http404
    try:
        handle = submission.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = not download and submission.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=submission.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=submission.file_name or f"draft-round-{submission.round_number}",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
