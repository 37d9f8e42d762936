"""Plain pages of orders: ``/checkout/`` and ``/orders/``."""

from django.urls import path

from tuishou.orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout_page, name="checkout"),
    path("orders/", views.my_orders_page, name="mine"),
    path("orders/login/", views.SignInView.as_view(), name="login"),
    path("orders/<int:order_id>/<str:action>/", views.order_action, name="action"),
]
