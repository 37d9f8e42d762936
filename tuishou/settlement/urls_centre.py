"""The promoter centre's commission list, included at ``/centre/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.settlement import views_centre as views

app_name = "commissions"

urlpatterns = [path("commissions/", views.commissions, name="list")]
