"""The merchant portal's orders and after-sales: ``/merchant/orders/…``, ``/merchant/after-sales/…``."""

from django.urls import path

from tuishou.orders import views_merchant

app_name = "orders_merchant"

urlpatterns = [
    path("orders/", views_merchant.order_list, name="orders"),
    path("orders/ship-batch/", views_merchant.order_ship_batch, name="ship_batch"),
    path("orders/<str:number>/", views_merchant.order_detail, name="order"),
    path("orders/<str:number>/ship/", views_merchant.order_ship, name="ship"),
    path("after-sales/", views_merchant.case_list, name="cases"),
    path("after-sales/<int:case_id>/", views_merchant.case_detail, name="case"),
    path("after-sales/<int:case_id>/return-received/", views_merchant.case_return_received, name="return_received"),
]
