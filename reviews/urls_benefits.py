from django.urls import path

from reviews.views import benefits

urlpatterns = [
    path("benefits/", benefits.benefits_home, name="benefits_home"),
    path("benefits/<str:unit_code>/<int:year>/", benefits.budget_view, name="benefit_budget"),
    path("benefits/<str:unit_code>/<int:year>/budget.xlsx", benefits.budget_xlsx, name="benefit_budget_xlsx"),
    path("benefits/<str:unit_code>/<int:year>/<slug:policy_code>/", benefits.beneficiaries_view, name="benefit_list"),
    path(
        "benefits/<str:unit_code>/<int:year>/<slug:policy_code>/list.xlsx", benefits.beneficiaries_xlsx, name="benefit_list_xlsx"
    ),
]
