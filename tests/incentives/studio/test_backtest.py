"""The backtest re-prices the community's real orders under a draft beside what the ledger paid: exact figures."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tuishou.core.errors import InvalidInput
from tuishou.incentives.backtest import backtest_run, backtest_window, masked_name, months_before
from tuishou.incentives.models import PlanStudy
from tuishou.incentives.proposals import plan_draft_start
from tuishou.incentives.studies import plan_backtest_start

from .community import DRAFT, build

pytestmark = pytest.mark.django_db


def test_the_draft_reprices_the_windows_orders_beside_what_the_ledger_paid(after_commit):
    built = build(after_commit)
    draft = plan_draft_start(actor=built.staff, community=built.community, source=DRAFT)
    seen = []
    report = backtest_run(version=draft, window=backtest_window(), on_progress=seen.append)

    # In force: C's 80.00 pays C 24.00 direct and B 8.00 tiers; B's 20.00 pays B 6.00 and A 2.00; A's order was
    # refunded (nothing); C's old order is outside the window. The draft: C 32.00, B 4.00, A 4.00; B 8.00, A 1.00.
    assert (report["orders"], report["refunded_orders"], report["promoters"]) == (3, 1, 3)
    assert {k: report["actual"][k] for k in ("base_total", "payout_total", "payout_ratio", "earners")} == {
        "base_total": "100.00", "payout_total": "40.00", "payout_ratio": "0.4000", "earners": 3}
    assert {k: report["draft"][k] for k in ("base_total", "payout_total", "payout_ratio", "earners")} == {
        "base_total": "100.00", "payout_total": "49.00", "payout_ratio": "0.4900", "earners": 3}
    assert (report["draft"]["gini"], report["actual"]["gini"]) == (0.3673, 0.3667)
    assert (report["draft"]["zero_earner_share"], report["actual"]["zero_earner_share"]) == (0.0, 0.0)
    assert report["by_rule"] == [{"rule": "direct", "draft": "40.00", "actual": "30.00"},
                                 {"rule": "team", "draft": "9.00", "actual": "0.00"},
                                 {"rule": "tiers", "draft": "0.00", "actual": "10.00"}]
    assert report["by_rank"] == [{"rank": "-", "name": "-", "draft": "49.00", "actual": "40.00"}]
    assert [(m["name"], m["draft"], m["actual"], m["change"]) for m in report["gainers"]] == [
        ("陈*", "32.00", "24.00", "8.00"), ("安*", "5.00", "2.00", "3.00")]
    assert [(m["name"], m["draft"], m["actual"], m["change"]) for m in report["losers"]] == [
        ("白*", "12.00", "14.00", "-2.00")]
    # Bands: 0, <10, <100, <1 000, <10 000, more (yuan): A 5.00; B 12.00, C 32.00.
    assert report["draft"]["distribution"] == [0, 1, 2, 0, 0, 0]
    assert report["actual"]["distribution"] == [0, 1, 2, 0, 0, 0]
    assert report["period_rules"] == []
    assert seen[0] == 10 and seen[-1] == 100 and seen == sorted(seen)


def test_ranks_at_payment_are_the_drafts_and_an_undefined_rank_counts_as_its_lowest(after_commit):
    built = build(after_commit)
    renamed = DRAFT.replace("{id: member, name: 会员}", "{id: fan, name: 粉丝}").replace("member:", "fan:")
    draft = plan_draft_start(actor=built.staff, community=built.community, source=renamed)
    report = backtest_run(version=draft, window=backtest_window())
    assert report["draft"]["payout_total"] == "49.00"


def test_the_window_defaults_to_three_months_and_refuses_what_cannot_be(after_commit):
    today = date(2026, 5, 31)
    window = backtest_window(today=today)
    assert (window.first, window.last) == (date(2026, 3, 1), date(2026, 5, 31))
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    for first, last in ((date(2026, 5, 2), date(2026, 5, 1)), (None, today + timedelta(days=1)),
                        (date(2025, 1, 1), today)):
        with pytest.raises(InvalidInput) as err:
            backtest_window(first=first, last=last, today=today)
        assert err.value.code == "incentives.backtest_window"
        assert err.value.details == {"field": "start"}


def test_a_backtest_runs_as_a_job_with_progress_and_keeps_its_report(after_commit):
    built = build(after_commit)
    draft = plan_draft_start(actor=built.staff, community=built.community, source=DRAFT)
    with after_commit():
        study = plan_backtest_start(actor=built.staff, version=draft)
    today = timezone.localdate()
    assert (study.kind, study.params) == ("backtest", {
        "start": (months_before(today, 3) + timedelta(days=1)).isoformat(), "end": today.isoformat()})
    study = PlanStudy.objects.select_related("job").get(pk=study.pk)
    assert (study.state, study.job.status, study.job.percent, study.job.owner) == ("done", "done", 100, built.staff)
    assert study.report["draft"]["payout_total"] == "49.00"
    assert study.job.result == {"study_id": study.pk}


def test_someone_outside_the_community_cannot_backtest_its_draft_and_nothing_is_written(after_commit):
    from tests.orders import factories as of

    built = build(after_commit)
    draft = plan_draft_start(actor=built.staff, community=built.community, source=DRAFT)
    from tuishou.core.errors import NotFound

    with pytest.raises(NotFound):
        plan_backtest_start(actor=of.user("路人"), version=draft)
    assert PlanStudy.objects.count() == 0


def test_names_are_masked():
    assert (masked_name("陈晨", "13600000001"), masked_name("", "13600000001"), masked_name("", None)) == (
        "陈*", "136****0001", "—")
