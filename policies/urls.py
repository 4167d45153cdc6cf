from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("procedure/", views.procedure_view, name="procedure"),
    path("money/", views.money_preview, name="money_preview"),
    path("standards/", views.standard_list_view, name="standard_list"),
    path("standards/<int:pk>/", views.standard_detail_view, name="standard_detail"),
    path("standards/<int:pk>/edit/", views.standard_edit_view, name="standard_edit"),
    path("standards/<int:pk>/new-version/", views.standard_new_version_view, name="standard_new_version"),
]
urlpatterns += [
    path("support-policies/", views.support_policy_list_view, name="support_policy_list"),
    path("support-policies/<int:pk>/", views.support_policy_detail_view, name="support_policy_detail"),
    path("support-policies/<int:pk>/new-version/", views.support_policy_new_version_view, name="support_policy_new_version"),
]
