"""The message centre at ``/centre/messages/``."""

from django.urls import path

from tuishou.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:message_id>/", views.message_detail, name="message"),
    path("<int:message_id>/read/", views.message_read, name="read"),
    path("announcements/<int:announcement_id>/", views.announcement_detail, name="announcement"),
]
