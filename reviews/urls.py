from django.urls import include, path

app_name = "reviews"

# Village-head pages (screening and survey) and ward/district/city pages live in separate modules.
urlpatterns = [
    path("", include("reviews.urls_survey")),
    path("", include("reviews.urls_manage")),
]
