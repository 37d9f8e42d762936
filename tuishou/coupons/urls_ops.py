"""Operations desk of coupon goods, included at ``/ops/coupons/``."""

from django.urls import path

from tuishou.coupons import views_ops as views

app_name = "coupon_ops"

urlpatterns = [
    path("", views.items, name="items"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:report_id>/", views.import_detail, name="import"),
    path("imports/<int:report_id>/skips.csv", views.import_skips, name="import_skips"),
]
