"""Customer service's after-sales desk: ``/ops/after-sales/…``."""

from django.urls import path

from tuishou.orders import views_ops

app_name = "orders_ops"

urlpatterns = [
    path("after-sales/", views_ops.case_list, name="cases"),
    path("after-sales/<int:case_id>/", views_ops.case_detail, name="case"),
]
