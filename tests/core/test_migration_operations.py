"""The label-only migration operations (tuishou.core.migration_operations): the same model states as Django's
AlterField and AlterModelOptions, without re-rendering the models, and Django's own behaviour for anything else."""

from __future__ import annotations

from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState, ProjectState

from tuishou.core.migration_operations import (
    FIELD_LABELS,
    MODEL_LABELS,
    AlterFieldLabels,
    AlterModelLabels,
    field_changes,
    model_option_changes,
)

APP = "labels_demo"


def _state() -> ProjectState:
    """A promoter-like model and a model that refers to it, rendered (as during ``migrate``)."""
    state = ProjectState()
    state.add_model(ModelState(APP, "Sponsor", [("id", models.BigAutoField(primary_key=True)),
                                                ("name", models.CharField(max_length=20))]))
    state.add_model(ModelState(APP, "Member", [("id", models.BigAutoField(primary_key=True)),
                                               ("sponsor", models.ForeignKey(f"{APP}.sponsor", models.PROTECT))]))
    state.apps  # noqa: B018 - render, as the executor does before the first migration it applies
    return state


class _RecordingEditor:
    """Stands in for a schema editor: records the alterations it is asked for."""

    connection = connection

    def __init__(self):
        self.altered = []

    def alter_field(self, model, old_field, new_field, strict=False):
        self.altered.append((old_field.max_length, new_field.max_length))


def test_a_label_change_renders_nothing_writes_nothing_and_renders_afresh_later():
    # given a rendered state
    state = _state()
    sponsor, member = state.apps.get_model(APP, "sponsor"), state.apps.get_model(APP, "member")
    before = state.clone()
    django_state = _state()
    # when the referenced id and the name get verbose names and the model a plural
    name = models.CharField(max_length=20, verbose_name="名称", help_text="As shown.")
    id_field = models.BigAutoField(primary_key=True, verbose_name="ID")
    options = {"verbose_name": "sponsor", "verbose_name_plural": "sponsors"}
    for operation in (AlterFieldLabels("sponsor", "id", id_field), AlterFieldLabels("sponsor", "name", name),
                      AlterModelLabels("sponsor", options)):
        operation.state_forwards(APP, state)
    # then the states say exactly what Django's operations would record ...
    for operation in (migrations.AlterField("sponsor", "id", id_field), migrations.AlterField("sponsor", "name", name),
                      migrations.AlterModelOptions("sponsor", options)):
        operation.state_forwards(APP, django_state)
    assert state.models == django_state.models
    assert state.models[APP, "sponsor"].fields["name"].verbose_name == "名称"
    # ... no model was rendered again, no SQL is asked for, and the state is marked for a fresh render
    assert state.apps.get_model(APP, "sponsor") is sponsor and state.apps.get_model(APP, "member") is member
    editor = _RecordingEditor()
    AlterFieldLabels("sponsor", "name", name).database_forwards(APP, editor, before, state)
    assert editor.altered == []
    assert state.is_delayed is True
    state.clear_delayed_apps_cache()  # what migrate does before post_migrate (permissions are named from these)
    assert state.apps.get_model(APP, "sponsor")._meta.get_field("name").verbose_name == "名称"
    assert state.apps.get_model(APP, "sponsor")._meta.verbose_name_plural == "sponsors"


def test_a_change_beyond_labels_is_the_django_operation():
    # given a rendered state
    state = _state()
    sponsor = state.apps.get_model(APP, "sponsor")
    before = state.clone()
    # when the label operation is (wrongly) used for a longer column
    operation = AlterFieldLabels("sponsor", "name", models.CharField(max_length=40, verbose_name="名称"))
    operation.state_forwards(APP, state)
    # then it renders and alters the column, as AlterField does
    assert state.apps.get_model(APP, "sponsor") is not sponsor
    assert state.apps.get_model(APP, "sponsor")._meta.get_field("name").max_length == 40
    editor = _RecordingEditor()
    operation.database_forwards(APP, editor, before, state)
    assert editor.altered == [(20, 40)]
    # and an ordering is not a label either: the model is rendered again with it
    AlterModelLabels("member", {"ordering": ["-id"]}).state_forwards(APP, state)
    assert state.apps.get_model(APP, "member")._meta.ordering == ["-id"]


def test_every_label_operation_in_the_migrations_changes_only_labels():
    """A label operation that changes more still works (it is then AlterField), but it then costs what it saves."""
    loader = MigrationLoader(None, ignore_no_migrations=True)  # no database: the files only
    state, seen, counted = ProjectState(real_apps=loader.unmigrated_apps), set(), 0
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            migration = loader.graph.nodes[key]
            for operation in migration.operations:
                if isinstance(operation, AlterFieldLabels):
                    old = state.models[key[0], operation.model_name_lower].fields[operation.name]
                    assert field_changes(old, operation.field) <= FIELD_LABELS, (key, operation.name)
                    counted += 1
                elif isinstance(operation, AlterModelLabels):
                    old = state.models[key[0], operation.name_lower].options
                    assert model_option_changes(old, operation.options) <= MODEL_LABELS, (key, operation.name)
                    counted += 1
                operation.state_forwards(key[0], state)
    assert counted == 729  # 660 fields and 69 models, in 35 migrations


def test_label_operations_write_as_themselves():
    """``makemigrations``/``squashmigrations`` write them back with their own import, not as Django's."""
    from django.db.migrations.writer import OperationWriter

    text, imports = OperationWriter(AlterFieldLabels("sponsor", "name", models.CharField(max_length=20,
                                                                                         verbose_name="名称"))).serialize()
    assert text.lstrip().startswith("tuishou.core.migration_operations.AlterFieldLabels(")
    assert "import tuishou.core.migration_operations" in imports
    assert isinstance(AlterModelLabels("sponsor", {}), migrations.AlterModelOptions)
