"""Migration operations for changes no database sees: a field's or a model's labels.

Django's ``AlterField`` re-renders the changed model and, when the field is a relation or is referenced by one (every
``id``), every model reachable through relations from it: in this project nearly all of them, for each operation.
The ``*_verbose_names`` migrations hold some 600 such operations that only name fields, which made a fresh
``migrate`` take 35 s on SQLite (docs/deployment.md, "Upgrades"), though they write no SQL.

``AlterFieldLabels`` and ``AlterModelLabels`` are drop-in replacements that record the same change in the migration
state (the models' states, which ``makemigrations`` compares and later migrations build on, are exactly those of
``AlterField`` and ``AlterModelOptions``) without re-rendering: the rendered models keep their previous labels until
a later operation re-renders them, and the state is marked *delayed*, so ``migrate`` renders every model afresh from
the states before its ``post_migrate`` work (permissions are named from ``verbose_name``). Labels are what nothing
in a migration reads — no SQL, no data step: a verbose name, a help text, the choices' labels.

Each one checks that it changes only labels; anything else (a ``max_length``, a ``related_name``, an ``ordering``)
makes it behave exactly as the operation it replaces, render and database step included.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import migrations

FIELD_LABELS = frozenset({"verbose_name", "help_text", "choices"})
MODEL_LABELS = frozenset({"verbose_name", "verbose_name_plural"})
_MISSING = object()


def field_changes(old, new) -> set[str]:
    """The attributes (as ``deconstruct()`` names them) in which two fields differ; ``"class"`` if their types do."""
    _, old_path, _, old_kwargs = old.deconstruct()
    _, new_path, _, new_kwargs = new.deconstruct()
    changes = {key for key in old_kwargs.keys() | new_kwargs.keys()
               if old_kwargs.get(key, _MISSING) != new_kwargs.get(key, _MISSING)}
    return changes | ({"class"} if old_path != new_path else set())


def model_option_changes(old_options: dict, new_options: dict) -> set[str]:
    """The options ``AlterModelOptions`` sets or clears that differ (it clears those of its keys it does not name)."""
    return {key for key in migrations.AlterModelOptions.ALTER_OPTION_KEYS
            if old_options.get(key, _MISSING) != new_options.get(key, _MISSING)}


@contextmanager
def _unrendered(state):
    """Change ``state``'s model states without re-rendering its models (``ProjectState`` re-renders only while its
    ``apps`` is rendered), and mark it delayed so the models are rendered afresh before anyone reads their labels."""
    apps = state.__dict__.pop("apps", None)
    try:
        yield
    finally:
        if apps is not None:
            state.__dict__["apps"] = apps
            state.is_delayed = True


class AlterFieldLabels(migrations.AlterField):
    """``AlterField`` for a change of labels only (verbose name, help text, choices): no re-render, no SQL."""

    def _labels_only(self, app_label: str, state, field) -> bool:
        old = state.models[app_label, self.model_name_lower].fields[self.name]
        return field_changes(old, field) <= FIELD_LABELS

    def state_forwards(self, app_label, state):
        if not self._labels_only(app_label, state, self.field):
            super().state_forwards(app_label, state)
            return
        with _unrendered(state):
            super().state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        new = to_state.models[app_label, self.model_name_lower].fields[self.name]
        if not self._labels_only(app_label, from_state, new):
            super().database_forwards(app_label, schema_editor, from_state, to_state)


class AlterModelLabels(migrations.AlterModelOptions):
    """``AlterModelOptions`` for a change of the verbose names only: no re-render (it never writes SQL)."""

    def state_forwards(self, app_label, state):
        old = state.models[app_label, self.name_lower].options
        if not model_option_changes(old, self.options) <= MODEL_LABELS:
            super().state_forwards(app_label, state)
            return
        with _unrendered(state):
            super().state_forwards(app_label, state)
