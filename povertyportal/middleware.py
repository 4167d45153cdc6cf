from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from households.access import scope_of


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
