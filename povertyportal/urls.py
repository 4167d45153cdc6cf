from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from households import views as household_views

urlpatterns = [
    path("", household_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("households.urls")),
    path("", include("policies.urls")),
    path("", include("reviews.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
