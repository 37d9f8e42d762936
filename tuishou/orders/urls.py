"""The buyer's pages: ``/cart/``, ``/checkout/``, ``/orders/``, ``/orders/<number>/``, ``/addresses/``."""

from django.urls import path

from tuishou.orders import views, views_addresses, views_orders

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart_page, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/<int:line_id>/", views.cart_line_update, name="cart_line"),
    path("cart/<int:line_id>/remove/", views.cart_line_remove, name="cart_remove"),
    path("checkout/", views.checkout_page, name="checkout"),
    path("checkout/buy/", views.buy_now, name="buy_now"),
    path("orders/", views_orders.my_orders, name="mine"),
    path("orders/login/", views.sign_in_moved, name="login"),  # moved to /account/login/
    path("orders/paid/<int:checkout_id>/", views_orders.payment_returned, name="paid"),
    path("orders/<str:number>/", views_orders.order_detail, name="detail"),
    path("orders/<str:number>/pay/", views_orders.order_pay, name="pay"),
    path("orders/<str:number>/cancel/", views_orders.order_cancel, name="cancel"),
    path("orders/<str:number>/receive/", views_orders.order_receive, name="receive"),
    path("orders/<str:number>/after-sales/", views_orders.aftersales_new, name="aftersales"),
    path("orders/<str:number>/after-sales/<int:case_id>/escalate/", views_orders.aftersales_escalate_page,
         name="escalate"),
    path("addresses/", views_addresses.address_list, name="addresses"),
    path("addresses/new/", views_addresses.address_new, name="address_new"),
    path("addresses/<int:address_id>/", views_addresses.address_edit, name="address_edit"),
    path("addresses/<int:address_id>/default/", views_addresses.address_default, name="address_default"),
    path("addresses/<int:address_id>/delete/", views_addresses.address_delete, name="address_delete"),
]
