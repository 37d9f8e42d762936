"""Short public URLs of stores and share links (included at the site root by ``tuishou.urls``)."""

from django.urls import path

from tuishou.stores import views

app_name = "stores"

urlpatterns = [
    path("s/<str:code>", views.share, name="share"),
    path("s/<str:code>/poster.png", views.poster, name="poster"),
    path("m/<str:code>", views.store_page, name="store"),
    path("p/<str:code>", views.product_page, name="product"),
]
