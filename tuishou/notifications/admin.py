"""Back office of the message centre: publish announcements (through the service, audited); messages are
read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from tuishou.core.admin_readonly import ReadOnlyAdmin
from tuishou.core.errors import DomainError
from tuishou.notifications.models import Announcement, Message
from tuishou.notifications.services import announcement_check_author, announcement_publish


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["community", "title", "body"]

    def clean(self):
        cleaned = super().clean()
        try:
            announcement_check_author(actor=self.request_user, community=cleaned.get("community"))
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        return cleaned


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    form = AnnouncementForm
    list_display = ("title", "community", "author", "published_at")
    list_filter = ("community",)
    search_fields = ("title", "body")
    date_hierarchy = "published_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return False  # a published announcement is not rewritten; publish a correction

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = announcement_publish(actor=request.user, title=form.cleaned_data["title"],
                                         body=form.cleaned_data["body"], community=form.cleaned_data["community"])
        obj.pk, obj.published_at, obj.author = published.pk, published.published_at, published.author


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "recipient__phone")
    raw_id_fields = ("recipient",)
