from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from households.access import scope_of
from households.logins import SESSION_LAST_SEEN, SESSION_STARTED


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language in the portal (the language cookie).

    The browser's Accept-Language is ignored on purpose: many ward offices run English-language
    Windows, and their staff expect the portal in Vietnamese.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PasswordChangeRequiredMiddleware:
    """Send a user whose password someone else chose (new account, reset) to the password change page
    until they pick their own. Allowed meanwhile: that page, logging out, the language switch, static files.

    The flag is read with the user's role and unit in the one cached query of ``households.access``.
    """

    ALLOWED_URL_NAMES = ("password_change", "password_change_done", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        forced = user is not None and user.is_authenticated and scope_of(user).must_change_password
        if forced and not self._allowed(request.path):
            target = reverse("password_change")
            if request.headers.get("HX-Request"):
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        return path in {reverse(name) for name in self.ALLOWED_URL_NAMES}


class SessionIdleTimeoutMiddleware:
    """Log out a user after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request of theirs, and
    ``SESSION_COOKIE_AGE`` seconds after they logged in whatever they did (the 8-hour limit stays a limit:
    saving the session does not push it back).

    Progress polling (an open import or export page asks every second) is not activity: those URL names
    neither extend the session nor keep it alive. The last request is written at most once a minute.
    The clock starts at login (``households.logins.start_session_clock``).
    """

    PASSIVE_URL_NAMES = frozenset({"households:import_job_progress", "reviews:export_progress"})
    WRITE_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = int(timezone.now().timestamp())
        started = session.get(SESSION_STARTED)
        if started is None:  # a session older than the clock: start it now
            started = session[SESSION_STARTED] = now
        last_seen = session.get(SESSION_LAST_SEEN, started)
        if now - started >= settings.SESSION_COOKIE_AGE:
            return self._expired(request, _("Your session reached its time limit. Please log in again."))
        if now - last_seen >= settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
            return self._expired(request, _("Your session ended after a while without activity. Please log in again."))
        response = self.get_response(request)
        if now - last_seen >= self.WRITE_EVERY_SECONDS and not self._passive(request) and request.user.is_authenticated:
            request.session[SESSION_LAST_SEEN] = now
        return response

    def _passive(self, request) -> bool:
        match = getattr(request, "resolver_match", None)
        return match is not None and match.view_name in self.PASSIVE_URL_NAMES

    def _expired(self, request, message: str):
        htmx = bool(request.headers.get("HX-Request"))
        # Back to the page after logging in again: for an htmx request, the page it came from.
        back = urlsplit(request.headers.get("HX-Current-URL", "")).path if htmx else request.get_full_path()
        logout(request)
        messages.info(request, message)
        target = reverse(settings.LOGIN_URL) + (f"?{urlencode({'next': back})}" if back else "")
        if htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` from settings.PERMISSIONS_POLICY ({feature: [allowed origins]}; an empty
    list switches the feature off for every origin, "self" allows the portal itself)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than ``REQUEST_MAX_BYTES`` with a 413 page,
    before anything reads it (the body is never parsed, so it never fills memory or disk).

    It runs before every view's ``process_view`` (CSRF reads ``request.POST`` there). Bodies without a
    Content-Length (chunked) are bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE and the upload forms.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return render(request, "413.html", {"mb": settings.REQUEST_MAX_MB}, status=413)
        return self.get_response(request)
