"""The public verification page: upload a PDF, learn whether it is a signed contract version.

Public on purpose: the people who need it (a creator's accountant, a platform's support, a court) have
no account. It reveals only what the uploaded file itself already shows, and only for an exact
SHA-256 match, which cannot be guessed.

Cheap refusals come before the body is read: a declared size over the limit (413), then the hourly
tries (429). Django's CSRF middleware would read and parse the whole upload (request.POST) before
any view runs, so the page is exempt from it and checks CSRF itself, after those two."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from briefs.contracts.forms import VerifyForm
from briefs.contracts.verification import VERIFY_MAX_BYTES, verify_document
from core.errors import ApplicationError
from core.throttle import allow, client_key

# The file plus the multipart envelope around it (boundaries, part headers, the CSRF token field).
VERIFY_MAX_REQUEST_BYTES = VERIFY_MAX_BYTES + 64 * 1024


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # Django reads such a body as empty
        return 0


def _refused(request: HttpRequest, *, message: str, status: int) -> HttpResponse:
    context = {"form": VerifyForm(), "result": None, "refusal": message}
    return render(request, "briefs/contract_verify.html", context, status=status)


@csrf_exempt  # checked by _verify_contract, once the size and the tries are known to be fine
def verify_contract(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        if _declared_length(request) > VERIFY_MAX_REQUEST_BYTES:
            limit_mb = VERIFY_MAX_BYTES // (1024 * 1024)
            message = f"That file is larger than {limit_mb} MB, far more than a contract PDF; it was not read."
            return _refused(request, message=message, status=413)
        if not allow(
            scope="contract-verify", key=client_key(request), limit=settings.VERIFY_TRIES_PER_HOUR, window_s=3600
        ):
            return _refused(request, message="Too many checks from your connection; try again in an hour.", status=429)
    return _verify_contract(request)


@csrf_protect
def _verify_contract(request: HttpRequest) -> HttpResponse:
    form, result, status = VerifyForm(), None, 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = verify_document(file=form.cleaned_data["file"])
            except ApplicationError as exc:
                form.add_error("file", exc.message)
                status = 400
        else:
            status = 400
    return render(request, "briefs/contract_verify.html", {"form": form, "result": result}, status=status)
