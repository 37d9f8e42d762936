"""The storefront: ``/``, ``/c/<category>/``, ``/search/``, ``/goods/<id>/`` (included at the site root)."""

from django.urls import path

from tuishou.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<str:name>/", views.category, name="category"),
    path("search/", views.search, name="search"),
    path("goods/<int:product_id>/", views.product, name="product"),
]
