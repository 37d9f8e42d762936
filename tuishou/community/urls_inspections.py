"""The inspector's pages in the promoter centre, included at ``/centre/inspections/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.community import views_inspections as views

app_name = "inspections_centre"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("mine/", views.mine, name="mine"),
    path("<int:task_id>/", views.task, name="task"),
]
