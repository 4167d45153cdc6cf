from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
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
