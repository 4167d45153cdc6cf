from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/villages/new/", views.village_create_view, name="village_create"),
]
