from django.urls import path

from reviews.views import survey

urlpatterns = [
    path("review/", survey.start, name="start"),
    path("rounds/<int:round_id>/villages/<str:code>/", survey.village_cases, name="village_cases"),
    path("rounds/<int:round_id>/villages/<str:code>/submit/", survey.village_submit, name="village_submit"),
    path("rounds/<int:round_id>/villages/<str:code>/propose/", survey.case_propose, name="case_propose"),
    path("cases/<int:pk>/", survey.case_detail, name="case_detail"),
    path("cases/<int:pk>/screen/", survey.case_screen, name="case_screen"),
    path("cases/<int:pk>/form/", survey.case_form, name="case_form"),
    path("cases/<int:pk>/form/preview/", survey.case_form_preview, name="case_form_preview"),
    path("cases/<int:pk>/survey/<slug:section>/", survey.case_survey, name="case_survey"),
    path("cases/<int:pk>/survey/<slug:section>/preview/", survey.case_preview, name="case_preview"),
    path("households/<str:code>/reviews/", survey.household_reviews, name="household_reviews"),
    path("official/<int:pk>/certificate/", survey.certificate, name="certificate"),
]
