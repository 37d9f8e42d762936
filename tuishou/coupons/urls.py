"""The tracking redirect, included at the site root: ``/c/<code>/go`` (the storefront's ``/c/<category>/`` ends
with a slash, this never does)."""

from django.urls import path

from tuishou.coupons import views

app_name = "coupons"

urlpatterns = [path("c/<str:code>/go", views.go, name="go")]
