"""The operators' inspection desk, included at ``/ops/inspections/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.community import views_inspections_ops as views

app_name = "ops_inspections"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("new/", views.task_new, name="task_new"),
    path("reviews/", views.reviews, name="reviews"),
    path("settings/", views.settings, name="settings"),
    path("checklists/<str:action>/", views.checklist_act, name="checklist_act"),
    path("reports/<int:report_id>/<str:action>/", views.report_act, name="report_act"),
    path("<int:task_id>/", views.task, name="task"),
    path("<int:task_id>/close/", views.task_close, name="task_close"),
]
