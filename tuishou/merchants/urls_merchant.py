"""The merchant portal's overview and staff, included at ``/merchant/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.merchants import views_merchant as views

app_name = "merchant_staff"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:user_id>/role/", views.staff_role, name="staff_role"),
    path("staff/<int:user_id>/remove/", views.staff_remove, name="staff_remove"),
]
