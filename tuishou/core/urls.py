"""Core's pages: background jobs (/jobs/<id>/ progress, /jobs/<id>/file the file it wrote)."""

from django.urls import path

from tuishou.core import views

app_name = "core"
urlpatterns = [
    path("<int:job_id>/", views.job_status, name="job"),
    path("<int:job_id>/file", views.job_file, name="job-file"),
]
