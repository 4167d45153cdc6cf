from django.contrib import admin
from django.urls import include, path

from households import account_views
from reviews.views import home

urlpatterns = [
    # The home page shows the user's things to do in the review rounds, so reviews owns it.
    path("", home.home, name="home"),
    # Before Django's auth URLs: our password change also lifts a forced change (households.accounts).
    path("accounts/password_change/", account_views.password_change, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("households.urls")),
    path("", include("policies.urls")),
    path("", include("reviews.urls")),
]

# MEDIA_ROOT is never routed, not even in DEBUG: every stored file (meeting minutes, imports, exports,
# workbooks of mistakes) holds personal data and is served by its own access-checked view.
