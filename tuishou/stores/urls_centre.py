"""The promoter centre's store pages, included at ``/centre/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.stores import views_centre as views

app_name = "store_centre"

urlpatterns = [
    path("pool/", views.pool, name="pool"),
    path("pool/<int:product_id>/add/", views.pool_add, name="pool_add"),
    path("store/", views.store, name="store"),
    path("store/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("store/items/<int:item_id>/up/", views.item_move, {"direction": "up"}, name="item_up"),
    path("store/items/<int:item_id>/down/", views.item_move, {"direction": "down"}, name="item_down"),
    path("store/items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("links/", views.links, name="links"),
    path("links/store/", views.store_link_create, name="store_link_create"),
    path("customers/", views.customers, name="customers"),
]
