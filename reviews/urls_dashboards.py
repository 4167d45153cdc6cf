from django.urls import path

from reviews.views import dashboards

urlpatterns = [
    path("dashboard/", dashboards.dashboard_home, name="dashboard_home"),
    path("dashboard/<int:round_id>/<str:code>/", dashboards.dashboard, name="dashboard"),
    path("dashboard/<int:round_id>/<str:code>/reports/<slug:report>/", dashboards.report_download, name="report"),
    path("dashboard/<int:round_id>/<str:code>/today/", dashboards.regrouped_view, name="regrouped"),
    path("exports/<uuid:pk>/", dashboards.export_detail, name="export_detail"),
    path("exports/<uuid:pk>/progress/", dashboards.export_progress, name="export_progress"),
    path("exports/<uuid:pk>/download/", dashboards.export_download, name="export_download"),
    path("units/<str:code>/residents/", dashboards.resident_counts, name="resident_counts"),
    path("residents/import/", dashboards.resident_import, name="resident_import"),
]
