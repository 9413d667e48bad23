"""The commission card of the collaboration page (loaded by htmx from this higher layer): revenue
attributed to the creator, what their percent comes to, what is recorded, and a button to settle."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from analytics.orders.commission import commission_statement, settle_commission
from campaigns.models import Collaboration
from core.errors import ApplicationError


@dashboard_view()
def commission_panel(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    collaboration = get_object_or_404(
        Collaboration.objects.filter(workspace=request.workspace).select_related("campaign", "workspace"),
        pk=collaboration_pk,
    )
    if request.method == "POST":
        try:
            payout = settle_commission(collaboration=collaboration, by=request.user)
            if payout is None:
                messages.info(request, "Nothing new to settle: the commission recorded covers the revenue so far.")
            else:
                messages.success(request, f"Commission of {payout.amount} recorded as due.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    statement = commission_statement(collaboration=collaboration)
    if statement is None:
        return HttpResponse("")  # not a commission deal: the card has nothing to say
    context = {"collaboration": collaboration, "statement": statement, "can_write": can_write(request)}
    return render(request, "analytics/_commission_panel.html", context)
