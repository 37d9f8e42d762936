"""Agency staff draft their community's plan and propose it; operators publish or send it back. Bad input is
answered cleanly and writes nothing."""

import pytest

from tests.network import factories as net
from tuishou.accounts.services import api_token_issue
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.incentives.engine.templates import template_text
from tuishou.incentives.models import PlanStudy, PlanVersion, PlanVersionStatusChange
from tuishou.incentives.proposals import (
    plan_draft_edit,
    plan_draft_start,
    plan_proposal_publish,
    plan_proposal_send_back,
    plan_propose,
)
from tuishou.incentives.selectors import agency_community
from tuishou.network import services as network
from tuishou.risk.models import AuditEntry

from .community import DRAFT

pytestmark = pytest.mark.django_db

RECRUITING = DRAFT.replace('  - {type: tiers, id: team, rates: ["0.05", "0.05"]}',
                           '  - {type: recruit_bonus, amount: "10.00"}')


@pytest.fixture
def agency():
    ops = net.operator("ops")
    community = net.agency()
    staff = net.user("星火·陈老师")
    network.community_staff_add(actor=ops, community=community, user=staff, role="owner")
    return community, staff, ops


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


def _history(draft):
    return list(PlanVersionStatusChange.objects.filter(plan_version=draft).order_by("id")
                .values_list("from_status", "to_status", "reason"))


def test_staff_draft_from_a_template_propose_and_an_operator_publishes(agency):
    community, staff, ops = agency
    assert agency_community(actor=staff) == community
    draft = plan_draft_start(actor=staff, community=community, template="two-level-distribution")
    assert (draft.status, draft.source, draft.created_by) == ("draft", template_text("two-level-distribution"), staff)
    plan_propose(actor=staff, draft=draft, note="请审核")
    assert PlanVersion.objects.get(pk=draft.pk).status == "proposed"
    published = plan_proposal_publish(actor=ops, draft=PlanVersion.objects.get(pk=draft.pk))
    assert (published.status, published.version, published.published_by) == ("published", 1, ops)
    assert _history(draft) == [("draft", "proposed", "请审核"), ("proposed", "published", "proposal published")]
    audit = AuditEntry.objects.filter(target_id=str(draft.pk), action__startswith="incentives.").order_by("id")
    assert list(audit.values_list("action", "actor")) == [
        ("incentives.plan_imported", staff.pk), ("incentives.plan_proposed", staff.pk),
        ("incentives.plan_published", ops.pk)]


def test_an_operator_sends_a_proposal_back_with_a_reason_and_the_agency_edits_it_again(agency):
    community, staff, ops = agency
    draft = plan_draft_start(actor=staff, community=community, source=DRAFT)
    plan_propose(actor=staff, draft=draft)
    with pytest.raises(Conflict) as err:
        plan_draft_edit(actor=staff, draft=PlanVersion.objects.get(pk=draft.pk), source=DRAFT)
    assert err.value.code == "incentives.plan_not_editable"
    with pytest.raises(InvalidInput) as err:
        plan_proposal_send_back(actor=ops, draft=PlanVersion.objects.get(pk=draft.pk), reason="  ")
    assert (err.value.code, err.value.details) == ("incentives.send_back_reason_missing", {"field": "reason"})
    plan_proposal_send_back(actor=ops, draft=PlanVersion.objects.get(pk=draft.pk), reason="直推比例请降到 30%")
    edited = plan_draft_edit(actor=staff, draft=PlanVersion.objects.get(pk=draft.pk),
                             source=DRAFT.replace('member: "0.40"', 'member: "0.30"'))
    assert (edited.status, edited.document["rules"][0]["rate"]["member"]) == ("draft", "0.30")
    assert _history(draft) == [("draft", "proposed", ""), ("proposed", "draft", "直推比例请降到 30%")]
    assert AuditEntry.objects.filter(action="incentives.plan_sent_back", reason="直推比例请降到 30%").count() == 1


def test_bad_drafts_are_refused_naming_the_problem_and_nothing_is_written(agency):
    community, staff, _ = agency
    cases = [({"source": "id: [unclosed"}, "incentives.plan_invalid"),
             ({"source": DRAFT.replace("type: direct", "type: bogus")}, "incentives.plan_invalid"),
             ({"template": "no-such-template"}, "incentives.template_unknown"),
             ({}, "incentives.source_missing")]
    for kwargs, code in cases:
        with pytest.raises((InvalidInput, NotFound)) as err:
            plan_draft_start(actor=staff, community=community, **kwargs)
        assert err.value.code == code
    assert PlanVersion.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="incentives.").exists()


def test_proposing_twice_a_non_compliant_draft_or_publishing_an_unproposed_one_is_refused(agency):
    community, staff, ops = agency
    draft = plan_draft_start(actor=staff, community=community, source=DRAFT)
    plan_propose(actor=staff, draft=draft)
    with pytest.raises(Conflict) as err:
        plan_propose(actor=staff, draft=PlanVersion.objects.get(pk=draft.pk))
    assert err.value.code == "incentives.plan_already_proposed"
    recruiting = plan_draft_start(actor=staff, community=community, source=RECRUITING)
    with pytest.raises(InvalidInput) as err:
        plan_propose(actor=staff, draft=recruiting)
    assert (err.value.code, [f["code"] for f in err.value.details["findings"]]) == (
        "incentives.plan_not_compliant", ["L1"])
    with pytest.raises(Conflict) as err:
        plan_proposal_publish(actor=ops, draft=recruiting)
    assert err.value.code == "incentives.plan_not_proposed"
    with pytest.raises(PermissionDenied):
        plan_proposal_publish(actor=staff, draft=PlanVersion.objects.get(pk=draft.pk))
    assert PlanVersion.objects.get(pk=recruiting.pk).status == "draft"
    assert PlanVersion.objects.get(pk=draft.pk).status == "proposed"
    assert _history(draft) == [("draft", "proposed", "")]
    assert _history(recruiting) == []


def test_another_communitys_staff_cannot_see_or_touch_its_drafts(agency):
    community, staff, ops = agency
    other = net.agency(code="QINGTENG", name="青藤联盟")
    stranger = net.user("青藤·运营")
    network.community_staff_add(actor=ops, community=other, user=stranger)
    draft = plan_draft_start(actor=staff, community=community, source=DRAFT)
    with pytest.raises(NotFound):
        plan_draft_start(actor=stranger, community=community, source=DRAFT)
    with pytest.raises(NotFound):
        plan_propose(actor=stranger, draft=draft)
    with pytest.raises(PermissionDenied) as err:
        agency_community(actor=net.user("路人"))
    assert err.value.code == "incentives.not_community_staff"
    assert PlanVersion.objects.count() == 1


def test_the_api_drafts_checks_simulates_proposes_and_publishes_with_one_error_shape(client, agency,
                                                                                   django_capture_on_commit_callbacks):
    community, staff, ops = agency
    auth, ops_auth = _auth(staff), _auth(ops)
    resp = client.post(f"/api/v1/incentives/communities/{community.code}/drafts",
                       {"template": "single-level-cps"}, content_type="application/json", **auth)
    assert resp.status_code == 201
    draft_id = resp.json()["id"]
    check = client.post(f"/api/v1/incentives/drafts/{draft_id}/check", {"source": RECRUITING},
                        content_type="application/json", **auth).json()
    assert (check["errors"], [f["code"] for f in check["findings"] if f["severity"] == "error"]) == (1, ["L1"])
    bad = client.post(f"/api/v1/incentives/drafts/{draft_id}/check", {"source": "rules: ["},
                      content_type="application/json", **auth)
    assert (bad.status_code, bad.json()["code"]) == (400, "incentives.plan_invalid")
    too_big = client.post(f"/api/v1/incentives/drafts/{draft_id}/simulations", {"promoters": 10**7},
                          content_type="application/json", **auth)
    assert (too_big.status_code, too_big.json()["code"], too_big.json()["details"]) == (
        400, "incentives.simulation_size", {"field": "promoters"})
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/v1/incentives/drafts/{draft_id}/simulations", {"promoters": 60, "months": 2},
                              content_type="application/json", **auth)
    assert started.status_code == 202
    study = client.get(f"/api/v1/incentives/studies/{started.json()['id']}", **auth).json()
    assert (study["status"], study["progress"], study["report"]["promoters"], study["report"]["months"]) == (
        "done", 100, 60, 2)
    assert client.post(f"/api/v1/incentives/drafts/{draft_id}/publish", **ops_auth).json()["code"] == \
        "incentives.plan_not_proposed"
    assert client.post(f"/api/v1/incentives/drafts/{draft_id}/propose", {"note": "请审核"},
                       content_type="application/json", **auth).json()["status"] == "proposed"
    twice = client.post(f"/api/v1/incentives/drafts/{draft_id}/propose", {}, content_type="application/json", **auth)
    assert (twice.status_code, twice.json()["code"]) == (409, "incentives.plan_already_proposed")
    assert [p["id"] for p in client.get("/api/v1/incentives/proposals", **ops_auth).json()] == [draft_id]
    assert client.get("/api/v1/incentives/proposals", **auth).status_code == 403
    published = client.post(f"/api/v1/incentives/drafts/{draft_id}/publish", **ops_auth).json()
    assert (published["status"], published["version"]) == ("published", 1)


def test_the_api_answers_404_for_another_communitys_draft_and_study(client, agency,
                                                                    django_capture_on_commit_callbacks):
    community, staff, ops = agency
    other = net.agency(code="QINGTENG", name="青藤联盟")
    stranger = net.user("青藤·运营")
    network.community_staff_add(actor=ops, community=other, user=stranger)
    draft = plan_draft_start(actor=staff, community=community, source=DRAFT)
    auth = _auth(stranger)
    for method, url in (("put", f"/api/v1/incentives/drafts/{draft.pk}"),
                        ("post", f"/api/v1/incentives/drafts/{draft.pk}/check"),
                        ("post", f"/api/v1/incentives/drafts/{draft.pk}/propose"),
                        ("post", f"/api/v1/incentives/drafts/{draft.pk}/backtests"),
                        ("post", f"/api/v1/incentives/drafts/{draft.pk + 99}/propose")):
        resp = getattr(client, method)(url, {"source": DRAFT}, content_type="application/json", **auth)
        assert (resp.status_code, resp.json()["code"]) == (404, "incentives.plan_version_unknown"), url
    resp = client.post(f"/api/v1/incentives/communities/{community.code}/drafts", {"source": DRAFT},
                       content_type="application/json", **auth)
    assert (resp.status_code, resp.json()["code"]) == (404, "network.community_unknown")
    assert PlanVersion.objects.count() == 1
    assert PlanStudy.objects.count() == 0
    assert PlanVersion.objects.get().status == "draft"
