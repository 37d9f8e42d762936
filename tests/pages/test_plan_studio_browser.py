"""The plan studio in Debian's Chromium at a desk: an agency drafts its plan from a template, watches the compliance
findings change as it edits, runs a simulation (a progress bar, then the report), proposes it; an operator
publishes it. Screenshots in tests/artifacts/plans/."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.core import jobs
from tuishou.incentives.engine.templates import template_text
from tuishou.incentives.models import PlanStudy, PlanVersion
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.network import services as network

PASSWORD = "studio-pass-2026"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "plans"


def sign_in(page, base: str, phone: str, next_url: str) -> None:
    page.goto(f"{base}/account/login/?next={next_url}")
    page.fill("#id_username", phone)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_agency_drafts_checks_simulates_and_proposes_then_an_operator_publishes(live_server, page, monkeypatch):
    ops = user_create(phone="13700000001", password=PASSWORD, display_name="平台运营")
    operator_role_grant(actor=None, user=ops, role="ops")
    community = network.community_create(actor=ops, name="星火社群", code="XINGHUO")
    staff = user_create(phone="13700000020", password=PASSWORD, display_name="星火·陈老师")
    network.community_staff_add(actor=ops, community=community, user=staff, role="owner")
    network.community_root_create(community=community, user=user_create(phone="13700000030", password=None), actor=ops)
    plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community,
                                                    source=template_text("single-level-cps")))
    # The job waits in the queue until the test runs it, so the page shows its progress bar first.
    monkeypatch.setattr(jobs, "job_run", SimpleNamespace(enqueue=lambda **kwargs: None))
    base = live_server.url

    sign_in(page, base, staff.phone, "/agency/plan/")
    assert "现行方案" in page.inner_text("main")
    page.select_option("#id_template", "two-level-distribution")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/agency/plan/drafts/\d+/$"))
    draft = PlanVersion.objects.get(status="draft")
    findings = page.locator("#findings-list")
    assert findings.locator(".finding.error").count() == 0
    shot(page, "01-draft-from-template")

    # Add a third paid level: the panel shows L5 as an error while typing, nothing is saved yet.
    source = page.input_value("#id_source")
    edited = re.sub(r'rates: \[([^\]]*)\]', lambda m: f'rates: [{m.group(1)}, "0.02"]', source, count=1)
    assert edited != source
    page.fill("#id_source", edited)
    page.locator("#id_source").press("End")
    findings.locator('.finding.error[data-code="L5"]').wait_for(timeout=10_000)
    assert "错误" in findings.inner_text()
    shot(page, "02-findings-as-you-type")
    assert PlanVersion.objects.get(pk=draft.pk).source == source
    page.fill("#id_source", source)
    page.locator("#id_source").press("End")
    findings.locator('.finding.error').first.wait_for(state="detached", timeout=10_000)

    # Simulate: the progress bar first, then the report with its charts.
    page.fill("#id_promoters", "200")
    page.fill("#id_months", "3")
    page.get_by_role("button", name="开始模拟").click()
    page.wait_for_url(re.compile(r"/agency/plan/studies/\d+/$"))
    page.locator("#study-progress progress").wait_for()
    shot(page, "03-simulation-progress")
    study = PlanStudy.objects.get()
    jobs.job_execute(study.job_id)
    page.locator('[data-figure="ratio"]').wait_for(timeout=15_000)
    assert page.locator("svg.chart").count() == 4
    assert page.inner_text('[data-figure="ratio"]') == PlanStudy.objects.get().report["payout_ratio"]
    shot(page, "04-simulation-report")

    # Propose.
    page.goto(f"{base}/agency/plan/drafts/{draft.pk}/")
    page.fill("#id_note", "请审核我们的两级分销方案")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(rf"/agency/plan/drafts/{draft.pk}/$"))
    assert "已提交平台" in page.inner_text("main")
    assert PlanVersion.objects.get(pk=draft.pk).status == "proposed"
    shot(page, "05-proposed")

    # The operator publishes it.
    page.context.clear_cookies()
    sign_in(page, base, ops.phone, "/ops/plans/")
    assert "待审核的提案" in page.inner_text("main")
    shot(page, "06-operator-proposals")
    page.locator(f"main a[href='/ops/plans/drafts/{draft.pk}/']").first.click()
    page.get_by_role("button", name="发布：立即生效").click()
    page.wait_for_url(re.compile(r"/ops/plans/$"))
    assert "现已生效" in page.inner_text("main")
    published = PlanVersion.objects.get(pk=draft.pk)
    assert (published.status, published.version, published.published_by_id) == ("published", 1, ops.pk)
    shot(page, "07-published")
    # on a phone the published plan's source scrolls inside its card: the page is never wider than the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/ops/plans/drafts/{draft.pk}/")
    assert page.locator("pre.code").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    shot(page, "08-published-on-a-phone")
    # the next year's plan starts from the one in force: one tap, its text in a new draft of the same community
    page.get_by_role("button", name="以此方案新建草案").click()
    page.wait_for_url(re.compile(r"/ops/plans/drafts/\d+/$"))
    successor = PlanVersion.objects.latest("id")
    assert (successor.status, successor.community_id) == ("draft", published.community_id)
    assert page.input_value("#id_source").strip() == published.source.strip()
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    shot(page, "09-draft-from-the-plan-in-force")
