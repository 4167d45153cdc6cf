"""Logins: throttling (django-axes), the lockout page, the log of failed logins, and the session clock.

django-axes counts failed logins per *user name + address* (``AXES_LOCKOUT_PARAMETERS``): after
``LOGIN_FAILURE_LIMIT`` failures in a row that user name is refused from that address for
``LOGIN_LOCKOUT_MINUTES``, while the same person from another address, and the other staff of a ward
office behind the same NAT address, still log in. A successful login clears the count. The ward
officer lifts a lock early from the accounts page (``households.accounts.account_unlock``).

Every failed login is written to the ``povertyportal.logins`` logger: user name, time and address,
never the password (Django's ``user_login_failed`` signal receives the credentials already cleansed,
and only the user name is read from them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("povertyportal.logins")

# Session keys of the session clock (povertyportal.middleware.SessionIdleTimeoutMiddleware).
SESSION_STARTED = "portal_login_at"
SESSION_LAST_SEEN = "portal_last_seen"


def client_address(request) -> str | None:
    """The client's address. Behind the reverse proxy (``BEHIND_PROXY``) the last X-Forwarded-For entry,
    the one the proxy itself appended (earlier entries come from the client and can be forged)."""
    if settings.SECURE_PROXY_SSL_HEADER is not None:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the login form while a user name is locked from this address (429)."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES, "limit": settings.LOGIN_FAILURE_LIMIT},
        status=429,
    )


@receiver(user_login_failed, dispatch_uid="povertyportal.logins.failed")
def log_failed_login(sender, credentials, request=None, **kwargs):
    # As typed, cut short; %r escapes control characters, so one failure is one log line.
    username = str((credentials or {}).get("username") or "")[:150]
    address = client_address(request) if request is not None else None
    log.warning(
        "Failed login: username=%r at=%s address=%s",
        username,
        timezone.localtime().isoformat(timespec="seconds"),
        address or "-",
    )


@receiver(user_logged_in, dispatch_uid="povertyportal.logins.started")
def start_session_clock(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        now = int(timezone.now().timestamp())
        session[SESSION_STARTED] = now
        session[SESSION_LAST_SEEN] = now


def _locked_attempts():
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.LOGIN_FAILURE_LIMIT)
    )


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Those of ``usernames`` locked out from at least one address now (one query)."""
    return set(_locked_attempts().filter(username__in=list(usernames)).values_list("username", flat=True))


def unlock(username: str) -> int:
    """Forget the failed logins of ``username`` from every address; returns the number of records removed."""
    return reset(username=username)
