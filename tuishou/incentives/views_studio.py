"""The plan studio's pages shared by the agency portal (/agency/plan/) and operations (/ops/plans/): a draft's
editor with its live compliance findings, simulations and backtests with their progress and reports, proposing.

Each view parses a form, calls one service or selector and renders; ``portal`` (from the URL conf) only picks the
links. Someone else's draft or study answers 404, the same as a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuishou.core.errors import DomainError
from tuishou.core.pages import desk_page, error_message, form_add_error
from tuishou.incentives import charts, proposals, selectors, studies
from tuishou.incentives.forms import BacktestForm, DraftSourceForm, ProposeForm, SendBackForm, SimulateForm
from tuishou.incentives.readable import finding_rows, plan_history, plan_readable, report_named

PORTALS = {"agency": "/agency/plan/", "ops": "/ops/plans/"}




def source_error(form, exc: DomainError) -> None:
    """A service's error beside its field; a problem inside the plan's text (its field is a path in the
    document, ``rules[0].type``) beside the text box."""
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    if field and field not in form.fields and "source" in form.fields:
        form.add_error("source", error_message(exc))
    else:
        form_add_error(form, exc)


def editor_context(request: HttpRequest, portal: str, version_id: int, **forms) -> dict:
    page = selectors.plan_editor_page(actor=request.user, version_id=version_id)
    version = page["version"]
    plan_history(page["history"])
    return {**page, "portal": portal, "root": PORTALS[portal], "plan": plan_readable(version.document),
            "findings": finding_rows(version.findings),
            "in_force_plan": plan_readable(page["in_force"].document) if page["in_force"] else None,
            "form": forms.get("form") or DraftSourceForm(initial={"source": version.source}),
            "simulate_form": forms.get("simulate_form") or SimulateForm(),
            "backtest_form": forms.get("backtest_form") or BacktestForm(),
            "propose_form": forms.get("propose_form") or ProposeForm(),
            "send_back_form": forms.get("send_back_form") or SendBackForm()}


def _editor(request: HttpRequest, portal: str, version_id: int, status: int = 200, **forms) -> HttpResponse:
    return render(request, "incentives/desk/editor.html", editor_context(request, portal, version_id, **forms),
                  status=status)


@require_http_methods(["GET", "POST"])
@desk_page
def editor(request: HttpRequest, version_id: int, portal: str) -> HttpResponse:
    """The draft: its text (editable while a draft), findings beside it, the plan as read, studies, proposing."""
    if request.method == "GET":
        return _editor(request, portal, version_id)
    form = DraftSourceForm(request.POST)
    if form.is_valid():
        draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
        try:
            proposals.plan_draft_edit(actor=request.user, draft=draft, source=form.cleaned_data["source"])
        except DomainError as exc:
            source_error(form, exc)
        else:
            messages.success(request, _("Draft saved; its findings are up to date."))
            return redirect(f"{PORTALS[portal]}drafts/{version_id}/")
    return _editor(request, portal, version_id, status=400, form=form)


@require_POST
@desk_page
def check(request: HttpRequest, version_id: int, portal: str) -> HttpResponse:
    """The findings panel for the text being edited (htmx, as the person types): nothing is stored."""
    draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
    form = DraftSourceForm(request.POST)
    context = {"findings": [], "problem": ""}
    if not form.is_valid():
        context["problem"] = " ".join(form.errors.get("source", []))
    else:
        try:
            result = proposals.plan_source_findings(actor=request.user, community=draft.community,
                                                    source=form.cleaned_data["source"])
            context["findings"] = finding_rows(result["findings"])
            context["checked"] = True
        except DomainError as exc:
            context["problem"] = error_message(exc)
    return render(request, "incentives/desk/editor.html#findings", context)


def _start(request: HttpRequest, version_id: int, portal: str, form_class, start) -> HttpResponse:
    form = form_class(request.POST)
    if form.is_valid():
        draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
        try:
            study = start(request.user, draft, form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            return redirect(f"{PORTALS[portal]}studies/{study.pk}/")
    key = "simulate_form" if form_class is SimulateForm else "backtest_form"
    return _editor(request, portal, version_id, status=400, **{key: form})


@require_POST
@desk_page
def simulate(request: HttpRequest, version_id: int, portal: str) -> HttpResponse:
    """Start a simulation of the draft; its page shows the progress, then the report."""
    return _start(request, version_id, portal, SimulateForm, lambda user, draft, data: studies.plan_simulation_start(
        actor=user, version=draft, promoters=data["promoters"], months=data["months"], seed=data["seed"]))


@require_POST
@desk_page
def backtest(request: HttpRequest, version_id: int, portal: str) -> HttpResponse:
    """Start a backtest of the draft on the community's orders of the window (default: the last 3 months)."""
    return _start(request, version_id, portal, BacktestForm, lambda user, draft, data: studies.plan_backtest_start(
        actor=user, version=draft, first=data["start"], last=data["end"]))


@require_POST
@desk_page
def propose(request: HttpRequest, version_id: int, portal: str) -> HttpResponse:
    """Propose the draft to the operators."""
    form = ProposeForm(request.POST)
    if form.is_valid():
        draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
        try:
            proposals.plan_propose(actor=request.user, draft=draft, note=form.cleaned_data["note"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Proposed to the operators: they will publish it or send it back."))
            return redirect(f"{PORTALS[portal]}drafts/{version_id}/")
    return _editor(request, portal, version_id, status=400, propose_form=form)


@require_GET
@desk_page
def study(request: HttpRequest, study_id: int, portal: str) -> HttpResponse:
    """A simulation or backtest: a progress bar while it runs (polled), then its report with charts."""
    row = selectors.plan_study_for_editor(actor=request.user, study_id=study_id)
    if request.headers.get("HX-Request"):
        if row.state in ("done", "failed"):
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        return render(request, "incentives/desk/study.html#progress", {"study": row})
    report = report_named(row.report, row.version.document) if row.report is not None else None
    context = {"study": row, "portal": portal, "root": PORTALS[portal], "report": report}
    if report is not None:
        context["charts"] = (_backtest_charts if row.kind == "backtest" else _simulation_charts)(report)
    return render(request, "incentives/desk/study.html", context)


def _backtest_charts(report: dict) -> dict:
    sides = (_("This draft"), _("Paid (in force)"))
    return {
        "by_rule": charts.bars(_("Payouts by rule"), [r["rule"] for r in report["by_rule"]],
                               [(sides[0], [r["draft"] for r in report["by_rule"]]),
                                (sides[1], [r["actual"] for r in report["by_rule"]])]),
        "by_rank": charts.bars(_("Payouts by rank at payment"), [r["name"] for r in report["by_rank"]],
                               [(sides[0], [r["draft"] for r in report["by_rank"]]),
                                (sides[1], [r["actual"] for r in report["by_rank"]])]),
        "distribution": charts.columns(_("Promoters by earnings"), _band_labels(report["bands"]),
                                       [(sides[0], report["draft"]["distribution"]),
                                        (sides[1], report["actual"]["distribution"])]),
    }


def _band_labels(bands: list[str]) -> list[str]:
    edges = [b.split(".")[0] for b in bands]
    return ["0"] + [f"<{edges[i + 1]}" for i in range(1, len(edges) - 1)] + [f"≥{edges[-1]}"]


def _simulation_charts(report: dict) -> dict:
    months = report.get("by_month", [])
    return {
        "by_rule": charts.bars(_("Payouts by rule"), list(report["by_rule"]),
                               [(pgettext("plan report", "Paid out"), list(report["by_rule"].values()))]),
        "by_rank": charts.bars(_("Mean earnings by rank"), [r["rank"] for r in report["disclosure"]],
                               [(_("Mean"), [r["mean"] for r in report["disclosure"]]),
                                (_("90th percentile"), [r["p90"] for r in report["disclosure"]])]),
        "months": charts.columns(_("Payout ratio by month"), [str(m["month"]) for m in months],
                                 [(_("Payout ratio"), [m["payout_ratio"] for m in months])]),
        "lorenz": charts.lorenz(_("Lorenz curve of earnings"), report.get("lorenz", []),
                                _("Gini %(gini)s") % {"gini": report["gini"]}),
    }


@require_POST
@desk_page
def send_back(request: HttpRequest, version_id: int, portal: str) -> HttpResponse:
    """An operator sends a proposal back with a reason."""
    form = SendBackForm(request.POST)
    if form.is_valid():
        draft = selectors.plan_version_get(version_id=version_id, actor=request.user)
        try:
            proposals.plan_proposal_send_back(actor=request.user, draft=draft, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Sent back to the community with your reason."))
            return redirect(PORTALS[portal])
    return _editor(request, portal, version_id, status=400, send_back_form=form)


@require_POST
@desk_page
def publish(request: HttpRequest, version_id: int, portal: str) -> HttpResponse:
    """An operator publishes a proposal: it is in force from now."""
    draft = selectors.plan_version_get(version_id=version_id, actor=request.user)
    try:
        version = proposals.plan_proposal_publish(actor=request.user, draft=draft)
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(f"{PORTALS[portal]}drafts/{version_id}/")
    messages.success(request, _("Published: version %(v)s is in force.") % {"v": version.version})
    return redirect(PORTALS[portal])
