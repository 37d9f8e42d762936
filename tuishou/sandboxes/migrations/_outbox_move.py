"""Moving a sandbox's own callbacks table into the shared outbox (and back, when the migration is reversed).

Used by the payments and wallets migrations that replaced their sandboxes' outbox tables with a channel of
``sandboxes.OutboxCallback``: callbacks still waiting to be delivered keep waiting. (Django's migration loader
skips modules whose names start with an underscore, so this is no migration of its own.)
"""

from django.db import migrations

FIELDS = ("event_id", "type", "body", "copy", "deliver_after", "attempts", "last_attempt_at", "last_status",
          "last_error", "delivered_at", "gave_up", "created_at")


def _copy(source, target, rows, **extra) -> None:
    """Copy ``rows`` (of ``source``) into ``target`` as they are, ``created_at`` included."""
    created_at = target._meta.get_field("created_at")
    created_at.auto_now_add = False  # keep when each callback was created, not when it moved
    try:
        target.objects.bulk_create([target(**extra, **{name: getattr(row, name) for name in FIELDS})
                                    for row in rows.order_by("id")])
    finally:
        created_at.auto_now_add = True


def outbox_move(app_label: str, model_name: str, channel: str) -> migrations.RunPython:
    """A reversible step that moves ``app_label.model_name``'s rows into the outbox under ``channel``."""

    def forwards(apps, schema_editor):
        own, shared = apps.get_model(app_label, model_name), apps.get_model("sandboxes", "OutboxCallback")
        _copy(own, shared, own.objects.using(schema_editor.connection.alias).all(), channel=channel)

    def backwards(apps, schema_editor):
        own, shared = apps.get_model(app_label, model_name), apps.get_model("sandboxes", "OutboxCallback")
        rows = shared.objects.using(schema_editor.connection.alias).filter(channel=channel)
        _copy(shared, own, rows)
        rows.delete()

    return migrations.RunPython(forwards, backwards)
