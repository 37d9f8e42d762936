"""The merchant desk's statements, included at ``/merchant/statements/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.settlement import views_merchant as views

app_name = "merchant-statements"

urlpatterns = [
    path("", views.statement_list, name="list"),
    path("<str:period>/", views.statement_month, name="month"),
]
