"""The user's inbox: the notifications of reviews.notifications, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reviews import notifications
from reviews.models import Notification

PAGE_SIZE = 30


@require_GET
@login_required
def inbox(request):
    page = Paginator(notifications.inbox(request.user).select_related("round"), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"n": n, "text": notifications.text(n)} for n in page.object_list]
    return render(
        request,
        "reviews/inbox.html",
        {
            "page": page,
            "items": items,
            "email_wanted": notifications.email_wanted(request.user),
            "has_email": bool(request.user.email),
        },
    )


@require_POST
@login_required
def inbox_open(request, pk: int):
    """Mark one notification read and go where it points (only the user's own: another's is not found)."""
    n = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.mark_read(request.user, [n.pk])
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("reviews:inbox")


@require_POST
@login_required
def inbox_read_all(request):
    notifications.mark_read(request.user)
    return redirect("reviews:inbox")


@require_POST
@login_required
def inbox_email(request):
    wanted = request.POST.get("email") == "on"
    notifications.set_email(request.user, wanted)
    messages.success(request, _("E-mails are on.") if wanted else _("E-mails are off: the inbox still has everything."))
    return redirect("reviews:inbox")
