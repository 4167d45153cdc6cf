from django.urls import path

from households import account_views, duplicate_views, views

app_name = "households"

urlpatterns = [
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/villages/new/", views.village_create_view, name="village_create"),
    path("units/<str:code>/villages/import/", views.village_import_view, name="village_import"),
    path("units/<str:code>/accounts/", account_views.account_list, name="account_list"),
    path("units/<str:code>/accounts/new/", account_views.account_create, name="account_create"),
    path("units/<str:code>/accounts/hand-over/", account_views.account_hand_over, name="account_hand_over"),
    path("users/<int:user_id>/reset-password/", account_views.account_reset, name="account_reset"),
    path("users/<int:user_id>/deactivate/", account_views.account_deactivate_view, name="account_deactivate"),
    path("users/<int:user_id>/reactivate/", account_views.account_reactivate_view, name="account_reactivate"),
    path("users/<int:user_id>/unlock/", account_views.account_unlock_view, name="account_unlock"),
    path("households/", views.household_list_view, name="list"),
    path("households/village-options/", views.village_options_view, name="village_options"),
    path("households/export.xlsx", views.household_export_view, name="export"),
    path("households/new/", views.household_create_view, name="create"),
    path("households/data-quality/", duplicate_views.data_quality_view, name="data_quality"),
    path("households/data-quality/<int:pk>/", duplicate_views.duplicate_detail_view, name="duplicate_detail"),
    path("households/data-quality/<int:pk>/distinct/", duplicate_views.duplicate_distinct_view, name="duplicate_distinct"),
    path("households/data-quality/<int:pk>/merge/", duplicate_views.duplicate_merge_view, name="duplicate_merge"),
    path("households/data-quality/<int:pk>/withdraw/", duplicate_views.duplicate_withdraw_view, name="duplicate_withdraw"),
    path("households/import/", views.import_view, name="import"),
    path("households/import/template.xlsx", views.import_template_view, name="import_template"),
    path("households/import/<uuid:pk>/", views.import_job_view, name="import_job"),
    path("households/import/<uuid:pk>/progress/", views.import_job_progress_view, name="import_job_progress"),
    path("households/import/<uuid:pk>/errors.xlsx", views.import_job_errors_view, name="import_job_errors"),
    path("households/<str:code>/", views.household_detail_view, name="detail"),
    path("households/<str:code>/edit/", views.household_edit_view, name="edit"),
    path("households/<str:code>/split/", views.household_split_view, name="split"),
    path("households/<str:code>/members/<int:member_id>/leave/", views.member_leave_view, name="member_leave"),
    path("households/<str:code>/members/<int:member_id>/move/", views.member_move_view, name="member_move"),
    path("households/<str:code>/members/<int:member_id>/reveal/", views.id_number_reveal_view, name="reveal_id"),
]
