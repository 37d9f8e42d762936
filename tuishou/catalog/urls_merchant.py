"""The merchant portal's catalog, included at ``/merchant/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.catalog import views_merchant as views

app_name = "merchant_catalog"

urlpatterns = [
    path("products/", views.products, name="products"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/<int:product_id>/", views.product, name="product"),
    path("products/<int:product_id>/skus/", views.sku_new, name="sku_new"),
    path("products/<int:product_id>/skus/<int:sku_id>/", views.sku_edit, name="sku_edit"),
    path("products/<int:product_id>/skus/<int:sku_id>/stock/", views.sku_stock, name="sku_stock"),
    path("products/<int:product_id>/skus/<int:sku_id>/active/", views.sku_active, name="sku_active"),
    path("products/<int:product_id>/images/", views.image_add, name="image_add"),
    path("products/<int:product_id>/images/<int:image_id>/delete/", views.image_remove, name="image_remove"),
    path("products/<int:product_id>/<str:action>/", views.product_action, name="product_action"),
]
