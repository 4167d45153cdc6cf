from django.urls import include, path

app_name = "reviews"

# One URL module per area of work, so that each grows without touching the others.
urlpatterns = [
    path("", include("reviews.urls_survey")),  # village heads: screening and survey
    path("", include("reviews.urls_manage")),  # ward, district and city: lists, approval, rounds
    path("", include("reviews.urls_dashboards")),  # dashboards and Excel reports
    path("", include("reviews.urls_benefits")),  # entitlements, beneficiary lists, budgets
    path("", include("reviews.urls_inbox")),  # everyone: the notifications of work waiting
]
