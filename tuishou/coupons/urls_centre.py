"""The promoter centre's coupon pages, included at ``/centre/coupons/``."""

from django.urls import path

from tuishou.coupons import views_centre as views

app_name = "coupon_centre"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("<int:item_id>/pick/", views.pick, name="pick"),
    path("picks/<int:pick_id>/remove/", views.unpick, name="unpick"),
    path("mine/", views.commissions, name="commissions"),
]
