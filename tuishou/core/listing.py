"""The lists people work through at a desk: search, filters, sorting, pagination and CSV export, declared once.

A list page declares a ``Listing`` (in its app's ``listings`` module, imported at start-up): where its rows
come from (``rows``: what this person may see, through a selector), which columns it shows and exports, what
it searches, how it filters and sorts::

    class ProductListing(Listing):
        name = "catalog.merchant_products"          # registered: a large export re-builds it in a job
        columns = (Column("title", _("Product"), link=lambda p: f"/merchant/products/{p.pk}/"),
                   Column("status", _("Status"), value=lambda p: p.get_status_display(), short=True),
                   Column("price", _("Price"), num=True, money=True))
        search = ("title", "skus__code")           # icontains, OR-ed; or override ``search_rows``
        filters = (Filter("status", _("Status"), choices=Product.Status.choices),)
        sorts = {"new": (_("Newest"), ("-created_at", "-pk")), "title": (_("Title"), ("title", "pk"))}

        def rows(self):
            return catalog.selectors.merchant_products(merchant=self.scope["merchant"])

    def products(request):
        listing = ProductListing(request, merchant=merchant)     # parses q / filters / sort / page from GET
        if listing.export_requested:
            return listing.export_response()                    # CSV now, or a job beyond EXPORT_INLINE_ROWS
        return render(request, "catalog/merchant/products.html", {"listing": listing})

and renders it with the components (``components/listing.html``)::

    {% include "components/listing.html#toolbar" %}    {# search box, filter selects, sort, export button #}
    {% include "components/listing.html#table" %}      {# the columns as a table, sortable headers, pager #}

or its own table over ``listing.page`` (then ``listing.html#pager`` and ``#meta``). Dates and times show one way on
every list, in every language: ``2026-12-04 22:24`` in the person's time zone, a date as ``2026-12-04``
(``list_time``; the generic table and ``table_rows`` apply it, a template drawing its own cells uses the filter
``{{ value|list_time }}``), so a column reads like it sorts. Bad parameters never fail:
an unknown filter value or sort is ignored (the toolbar shows what is in force), a page out of range shows the
nearest page. Filters narrow with one ``filter()``; a ``Filter`` with ``apply`` does its own.

Exports: up to ``EXPORT_INLINE_ROWS`` rows stream at once as ``<name>-<date>.csv`` (UTF-8 with a BOM so Excel
reads Chinese); beyond that the export runs as a job (``tuishou.core.jobs``) and the page shows its progress and
then the file. The job re-builds the listing from its registered ``name``, the same query string and the same
scope (given as ids: ``scope_ids``), so it exports exactly the rows the person saw, with their permissions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuishou.core.jobs import JobRun, job_kind, job_start

EXPORT_INLINE_ROWS = 10_000
PER_PAGE = 20
MAX_SEARCH = 100

LISTINGS: dict[str, type[Listing]] = {}
LIST_TIME = "%Y-%m-%d %H:%M"
LIST_DATE = "%Y-%m-%d"


def list_time(value):
    """A time as every desk list shows it, ``2026-12-04 22:24`` in the active time zone (a date: ``2026-12-04``),
    the same in Chinese and English; any other value unchanged. Detail pages may say more (seconds, the weekday)."""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime(LIST_TIME)
    if isinstance(value, date):
        return value.strftime(LIST_DATE)
    return value


@dataclass(frozen=True)
class Column:
    """A column: ``key`` is an attribute path (``merchant.name``) unless ``value`` computes it from the row."""

    key: str
    label: Any
    value: Callable[[Any], Any] | None = None
    link: Callable[[Any], str] | None = None
    num: bool = False
    money: bool = False
    sort: str = ""          # the key in ``Listing.sorts`` that a click on this header chooses
    export: bool = True     # in the CSV
    show: bool = True       # in the table
    short: bool = False     # a short label (a status) kept on one line however narrow the column

    @property
    def cell_class(self) -> str:
        """The table cell's class: numbers right-aligned, short labels unbroken."""
        return " ".join(name for name, on in (("num", self.num), ("nowrap", self.short)) if on)

    @property
    def linked(self) -> bool:
        return self.link is not None

    def url(self, row) -> str:
        """The link of ``row``'s cell, if the column links (templates: ``{{ column|link_of:row }}``)."""
        return self.link(row) if self.link is not None else ""

    def of(self, row) -> Any:
        if self.value is not None:
            return self.value(row)
        value = row
        for part in self.key.split("."):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
            if value is None:
                return None
        return value


@dataclass(frozen=True)
class Filter:
    """A select of ``choices`` ((value, label) pairs, or a callable of the listing giving them) that narrows
    ``lookup`` (default: the filter's name) to the chosen value, or calls ``apply(rows, value)``."""

    name: str
    label: Any
    choices: Sequence[tuple[Any, Any]] | Callable[[Listing], Sequence[tuple[Any, Any]]] = ()
    lookup: str = ""
    apply: Callable[[QuerySet, str], QuerySet] | None = None
    all_label: Any = field(default_factory=lambda: _("All"))

    def options(self, listing: Listing) -> list[tuple[str, str]]:
        choices = self.choices(listing) if callable(self.choices) else self.choices
        return [(str(value), force_str(label)) for value, label in choices]


class Listing:
    """One list page's rows under the request's search, filters, sort and page (see the module's docstring)."""

    name: ClassVar[str] = ""
    columns: ClassVar[Sequence[Column]] = ()
    search: ClassVar[Sequence[str]] = ()
    search_label: ClassVar[Any] = _("Search")
    filters: ClassVar[Sequence[Filter]] = ()
    sorts: ClassVar[dict[str, tuple[Any, Sequence[str]]]] = {}
    default_sort: ClassVar[str] = ""
    per_page: ClassVar[int] = PER_PAGE

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            LISTINGS[cls.name] = cls

    def __init__(self, request: HttpRequest | None = None, *, params: QueryDict | dict | None = None,
                 user=None, **scope) -> None:
        self.request = request
        self.params = request.GET if request is not None else QueryDict(mutable=True) if params is None else (
            params if isinstance(params, QueryDict) else _querydict(params))
        self.user = user if user is not None else getattr(request, "user", None)
        self.scope = scope
        self.q = self.params.get("q", "").strip()[:MAX_SEARCH].replace("\x00", "")
        self.active: dict[str, str] = {}
        for flt in self.filters:
            value = self.params.get(flt.name, "")
            if value and value in {v for v, _label in flt.options(self)}:
                self.active[flt.name] = value
        wanted = self.params.get("sort", "")
        self.sort = wanted if wanted in self.sorts else (self.default_sort or next(iter(self.sorts), ""))

    # -- what a subclass provides -------------------------------------------------------------------------
    def rows(self) -> QuerySet:
        """Every row this person may see, before search, filters and sort (call a selector)."""
        raise NotImplementedError

    def search_rows(self, rows: QuerySet, term: str) -> QuerySet:
        """``rows`` matching ``term``: any of ``search`` contains it (case-insensitive)."""
        condition = Q()
        for lookup in self.search:
            condition |= Q(**{f"{lookup}__icontains": term})
        return rows.filter(condition).distinct() if any("__" in s for s in self.search) else rows.filter(condition)

    def scope_ids(self) -> dict[str, Any]:
        """The scope as JSON-able values for an export job (default: model instances become their pk)."""
        return {key: getattr(value, "pk", value) for key, value in self.scope.items()}

    @classmethod
    def rebuild_scope(cls, user, ids: dict[str, Any]) -> dict[str, Any]:
        """The scope back from ``scope_ids`` in an export job; override when the scope holds instances."""
        return ids

    # -- the result ---------------------------------------------------------------------------------------
    def queryset(self) -> QuerySet:
        rows = self.rows()
        if self.q and self.search:
            rows = self.search_rows(rows, self.q)
        for flt in self.filters:
            value = self.active.get(flt.name)
            if value is not None:
                rows = flt.apply(rows, value) if flt.apply else rows.filter(**{flt.lookup or flt.name: value})
        if self.sort:
            rows = rows.order_by(*self.sorts[self.sort][1])
        return rows

    @property
    def page(self) -> Page:
        if not hasattr(self, "_page"):
            number = self.params.get("page")
            self._page = Paginator(self.queryset(), self.per_page).get_page(number)
        return self._page

    @property
    def count(self) -> int:
        return self.page.paginator.count

    def table_columns(self) -> list[Column]:
        return [c for c in self.columns if c.show]

    def table_rows(self) -> Iterator[tuple[Any, list[tuple[Column, Any]]]]:
        """(row, [(column, value), …]) for the page's rows, for the generic table (times as ``list_time``)."""
        columns = self.table_columns()
        for row in self.page.object_list:
            yield row, [(c, list_time(c.of(row))) for c in columns]

    # -- links ---------------------------------------------------------------------------------------------
    def query(self, **changes) -> str:
        """The current query string with ``changes`` (None removes a key); the page resets unless given."""
        params = self.params.copy()
        if "page" not in changes:
            params.pop("page", None)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    def sort_link(self, key: str) -> str:
        return self.query(sort=key)

    def page_link(self, number: int) -> str:
        return self.query(page=number)

    @property
    def export_link(self) -> str:
        return self.query(export="csv")

    def filter_controls(self) -> list[dict[str, Any]]:
        return [{"name": f.name, "label": f.label, "all_label": f.all_label, "options": f.options(self),
                 "value": self.active.get(f.name, "")} for f in self.filters]

    def sort_options(self) -> list[tuple[str, Any]]:
        return [(key, label) for key, (label, _order) in self.sorts.items()]

    # -- export --------------------------------------------------------------------------------------------
    @property
    def export_requested(self) -> bool:
        return self.params.get("export") == "csv"

    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    def csv_lines(self, rows: Iterable | None = None) -> Iterator[str]:
        """The CSV, a line at a time: a BOM, the header, one line per row (money as plain decimals)."""
        columns = self.export_columns()
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def flush() -> str:
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text

        writer.writerow([force_str(c.label) for c in columns])
        yield "\ufeff" + flush()
        source = self.queryset().iterator(chunk_size=2000) if rows is None else rows
        for row in source:
            writer.writerow([_cell(c.of(row)) for c in columns])
            yield flush()

    def filename(self) -> str:
        return f"{(self.name or 'export').replace('.', '-')}-{timezone.localdate():%Y%m%d}.csv"

    def export_response(self):
        """The CSV at once when it is small; beyond ``EXPORT_INLINE_ROWS`` a job, and a page with its progress."""
        total = self.queryset().count()
        if total <= EXPORT_INLINE_ROWS or not self.name:
            response = StreamingHttpResponse(self.csv_lines(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{self.filename()}"'
            return response
        from django.shortcuts import render

        params = self.params.copy()
        params.pop("export", None)
        params.pop("page", None)
        job = job_start("core.listing_export", owner=self.user, title=_("CSV export"), listing=self.name,
                        query=params.urlencode(), scope=self.scope_ids(), total=total)
        return render(self.request, "components/export_job.html", {"job": job, "listing": self,
                                                                  "back": self.query(export=None)})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        if getattr(value, "tzinfo", None) is not None:  # the page's clock (Beijing time), as a spreadsheet reads it
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="seconds") if hasattr(value, "hour") else value.isoformat()
    text = force_str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except Exception:
        return False
    return True


def _querydict(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    return query


@job_kind("core.listing_export")
def listing_export(job: JobRun, *, listing: str, query: str, scope: dict, total: int) -> dict:
    """A large CSV export of a desk list (``tuishou.core.listing``): the same rows the person saw, as a file."""
    cls = LISTINGS[listing]
    rows = cls(params=QueryDict(query), user=job.owner, **cls.rebuild_scope(job.owner, scope))
    job.progress(0, total, note=gettext("Writing rows"))
    parts: list[str] = []
    count = 0
    for count, line in enumerate(rows.csv_lines()):
        parts.append(line)
        if count and count % 2000 == 0:
            job.progress(count, total)
    job.progress(count, max(total, count))
    job.save_file(rows.filename(), "".join(parts).encode("utf-8"))
    return {"rows": count}
