"""The operators' product review queue, included at ``/ops/reviews/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.catalog import views_ops as views

app_name = "ops_reviews"

urlpatterns = [
    path("", views.reviews, name="reviews"),
    path("<int:product_id>/", views.review, name="review"),
    path("<int:product_id>/approve/", views.approve, name="approve"),
    path("<int:product_id>/reject/", views.reject, name="reject"),
]
