"""Status pipelines: one declared table per model and the one function that moves a row along it.

Every model with a ``status`` registers a ``Pipeline`` in its app's ``transitions`` module (core's app config
imports them all at start-up, and a test checks that no model with a status is missing):

- ``moves``: status → the statuses it may go to. Anything else is ``<app>.transition_invalid`` (409).
- ``stamps``: status → the timestamp field that records the FIRST time the status was reached. A stamp never
  moves: an order that goes back from refunding to received keeps the receipt time the after-sales window and
  settlement count from (the UPDATE writes ``COALESCE(field, now)``).
- ``events`` (optional): named moves, event → (statuses it may start from, status it ends in), each one a move
  of the table; a model that names its moves (a product is submitted, approved, shelved) is moved by event.
- ``history``: the aggregate's status-change table (``StatusChange`` below), one row per move with the actor
  (empty when the system moved it) and the reason, written in the move's transaction.

A move is ``UPDATE … SET status = to WHERE pk = … AND status = <the status read>``: of two concurrent moves
based on the same read only one changes the row, the other changes nothing and is refused. Callers that hold
the row lock lose nothing by it; callers that do not are still safe.

Why one history table per aggregate (from the abstract ``StatusChange``) rather than one generic table in core
(content type + object id): each history row keeps a real foreign key to its order, payment or withdrawal
(integrity, ``order.status_changes``), each table is indexed for its own reads, and the order hot path does not
share one ever-growing table with every other aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tuishou.core.errors import Conflict, Phrase, error_code


class StatusChange(models.Model):
    """One move of an aggregate's status (history, append-only): from, to, by which event, who and why.

    A concrete history table adds the foreign key to its aggregate.
    """

    event = models.CharField(verbose_name=_("event"),
                             max_length=16, blank=True, help_text="The named move, where the model names them.")
    from_status = models.CharField(verbose_name=_("from status"),
                                   max_length=20, blank=True, help_text="Empty for the row of the creation.")
    to_status = models.CharField(verbose_name=_("to status"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"),
                              null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Empty when the system (a callback, a timer) moved it.")
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


@dataclass(frozen=True)
class Pipeline:
    """The declared status table of one model (see the module's docstring)."""

    model: type[models.Model]
    moves: Mapping[str, frozenset[str]]
    stamps: Mapping[str, str] = field(default_factory=dict)
    history: type[StatusChange] | None = None
    events: Mapping[str, tuple[frozenset[str], str]] = field(default_factory=dict)
    # An ``auto_now`` field: a queryset UPDATE does not touch it by itself.
    touch: str = ""

    def __post_init__(self) -> None:
        statuses = {value for value, _ in self.model._meta.get_field("status").choices}
        named = set(self.moves) | {to for targets in self.moves.values() for to in targets} | set(self.stamps)
        if set(self.moves) != statuses or not named <= statuses:
            raise ValueError(f"The table of {self.model.__name__} must list every status once: "
                             f"{sorted(statuses ^ set(self.moves))} {sorted(named - statuses)}")
        stray = [event for event, (sources, to) in self.events.items() if not all(self.allows(s, to) for s in sources)]
        if stray:
            raise ValueError(f"Events of {self.model.__name__} outside its table: {stray}")

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model.__name__}"

    @cached_property
    def history_field(self) -> str:
        """The history table's foreign key to the aggregate."""
        assert self.history is not None
        return next(f.name for f in self.history._meta.fields if f.is_relation and f.related_model is self.model)

    def allows(self, current: str, to: str) -> bool:
        """True when the table allows ``current → to``."""
        return to in self.moves.get(current, frozenset())

    def refusal(self, *, current: str, to: str, **details: Any) -> Conflict:
        """The one error every refused move raises: ``<app>.transition_invalid`` with a sentence for a person."""
        # The model's name and the statuses' labels as written (English), translated with the rest of the message
        # when a page renders it ("此素材当前为已隐藏…", never the codes); ``details`` keeps the codes.
        labels = dict(self.model._meta.get_field("status").choices)
        with translation.override(None):
            noun = Phrase(str(self.model._meta.verbose_name))
            status, target = Phrase(str(labels.get(current, current))), Phrase(str(labels.get(to, to)))
        status.lazy, target.lazy = labels.get(current), labels.get(to)  # a label's context travels with it
        code = error_code(f"{self.model._meta.app_label}.transition_invalid")
        return Conflict(code, kind=noun, status=status, to=target, details={"status": current, "to": to, **details})

    def check(self, *, current: str, to: str, **details: Any) -> None:
        """Raise the refusal unless the table allows ``current → to``."""
        if not self.allows(current, to):
            raise self.refusal(current=current, to=to, **details)

    def can(self, current: str, event: str) -> bool:
        """True when the named move ``event`` may start from ``current``."""
        return current in self.events[event][0]

    def target(self, *, current: str, event: str) -> str:
        """Where the named move ``event`` takes a row that is ``current``; the refusal if it starts elsewhere."""
        sources, to = self.events[event]
        if current not in sources:
            raise self.refusal(current=current, to=to, event=event)
        return to


PIPELINES: dict[type[models.Model], Pipeline] = {}


def pipeline_register(pipeline: Pipeline) -> Pipeline:
    """Declare ``pipeline`` as the only way its model's status moves."""
    PIPELINES[pipeline.model] = pipeline
    return pipeline


def _stamp_changes(pipeline: Pipeline, to: str, at: datetime, fields: dict[str, Any]) -> tuple[str, Any] | None:
    """Put the stamp of ``to`` into ``fields`` as COALESCE(field, value); answer (field, value) or None."""
    name = pipeline.stamps.get(to)
    if name is None:
        return None
    value = fields.pop(name, at)  # a caller may give the time itself (a gateway's paid time)
    output = pipeline.model._meta.get_field(name)
    fields[name] = Coalesce(F(name), Value(value, output_field=output))
    return name, value


def transition_apply(row: models.Model, *, to: str = "", event: str = "", actor=None, reason: str = "",
                     at: datetime | None = None, changes: Mapping[str, Any] | None = None) -> models.Model:
    """Move ``row`` from the status it was read with to ``to`` (or by the named move ``event``); the only place
    a registered status changes.

    ``changes`` are other fields written with the move (a carrier, a decision); the status's stamp is set only
    if it is still empty; a history row records the move with ``actor`` (a user or None) and ``reason``. Raises
    ``<app>.transition_invalid`` when the table does not allow the move or the row moved meanwhile; nothing is
    written then, and the caller's transaction stays usable.
    """
    pipeline = PIPELINES[type(row)]
    current = row.status
    if event and pipeline.events:  # a model that names its moves is moved by name (an unknown one is a bug)
        to = pipeline.target(current=current, event=event)
    else:
        pipeline.check(current=current, to=to)
    at = at or timezone.now()
    fields = {**(changes or {}), "status": to}
    stamp = _stamp_changes(pipeline, to, at, fields)
    if pipeline.touch:
        fields.setdefault(pipeline.touch, at)
    model = type(row)
    # No savepoint: the update and the history row commit together or the caller's transaction fails; a lost
    # race changes nothing and raises outside the block.
    with transaction.atomic(savepoint=False):
        moved = model._default_manager.filter(pk=row.pk, status=current).update(**fields)
        if moved and pipeline.history is not None:
            _history_write(pipeline, [row.pk], current=current, to=to, actor=actor, reason=reason, event=event,
                           at=at)
    if not moved:
        now = model._default_manager.filter(pk=row.pk).values_list("status", flat=True).first()
        raise pipeline.refusal(current=now or current, to=to, **({"event": event} if event else {}))
    for name, value in fields.items():
        if stamp is None or name != stamp[0]:
            setattr(row, name, value)
    if stamp is not None and getattr(row, stamp[0]) is None:
        setattr(row, stamp[0], stamp[1])
    return row


def transition_many(model: type[models.Model], *, pks: list[int], current: str, to: str, where: Q | None = None,
                    actor=None, reason: str = "", at: datetime | None = None,
                    changes: Mapping[str, Any] | None = None) -> int:
    """Move every row of ``pks`` from ``current`` to ``to`` in ONE conditional UPDATE (settlement's chunks).

    ``where`` selects the same rows as ``pks`` when the caller has a faster form of it. If any row is no longer
    ``current`` the whole move is refused (``expected`` and ``moved`` in the details): the caller's
    transaction rolls back the rows that did move.
    """
    pipeline = PIPELINES[model]
    pipeline.check(current=current, to=to)
    at = at or timezone.now()
    fields = {**(changes or {}), "status": to}
    _stamp_changes(pipeline, to, at, fields)
    if pipeline.touch:
        fields.setdefault(pipeline.touch, at)
    moved = model._default_manager.filter(where if where is not None else Q(pk__in=pks), status=current).update(
        **fields)
    if moved != len(pks):
        raise pipeline.refusal(current=current, to=to, expected=len(pks), moved=moved)
    if pipeline.history is not None:
        _history_write(pipeline, pks, current=current, to=to, actor=actor, reason=reason, event="", at=at)
    return moved


def history_record(row: models.Model, *, actor=None, reason: str = "", event: str = "",
                   at: datetime | None = None) -> StatusChange:
    """Write the history row of a row's creation (from no status to the one it was created in)."""
    pipeline = PIPELINES[type(row)]
    return _history_write(pipeline, [row.pk], current="", to=row.status, actor=actor, reason=reason, event=event,
                          at=at or timezone.now())[0]


def _history_write(pipeline: Pipeline, pks: Iterable[int], *, current: str, to: str, actor, reason: str,
                   event: str, at: datetime) -> list[StatusChange]:
    assert pipeline.history is not None
    actor = actor if getattr(actor, "pk", None) else None  # an anonymous user is nobody
    rows = [pipeline.history(**{f"{pipeline.history_field}_id": pk}, event=event, from_status=current, to_status=to,
                             actor=actor, reason=reason, created_at=at) for pk in pks]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        return rows
    return pipeline.history._default_manager.bulk_create(rows)
