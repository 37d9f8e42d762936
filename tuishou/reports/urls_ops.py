"""Operations' reports: /ops/ (the dashboard) and /ops/income/ (the income disclosure)."""

from django.urls import path

from tuishou.reports import views_ops

app_name = "reports"
urlpatterns = [
    path("", views_ops.dashboard, name="dashboard"),
    path("income/", views_ops.income, name="income"),
]
