"""The public verification page: upload a PDF, learn whether it is a signed contract version.

Public on purpose: the people who need it (a creator's accountant, a platform's support, a court) have
no account. It reveals only what the uploaded file itself already shows, and only for an exact
SHA-256 match, which cannot be guessed."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from briefs.contract_services import verify_document
from briefs.forms import VerifyForm
from core.errors import ApplicationError
from core.throttle import allow, client_key


def verify_contract(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form, result, status = VerifyForm(), None, 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if not allow(
            scope="contract-verify", key=client_key(request), limit=settings.VERIFY_TRIES_PER_HOUR, window_s=3600
        ):
            form.add_error(None, "Too many checks from your connection; try again in an hour.")
            status = 429
        elif form.is_valid():
            try:
                result = verify_document(file=form.cleaned_data["file"])
            except ApplicationError as exc:
                form.add_error("file", exc.message)
                status = 400
        else:
            status = 400
    return render(request, "briefs/contract_verify.html", {"form": form, "result": result}, status=status)
