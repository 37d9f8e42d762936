from datetime import timedelta

import pytest
from django.utils import timezone

from tests.network import factories as net
from tuishou.core.errors import Conflict, InvalidInput, PermissionDenied
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.incentives.services import plan_draft_import, plan_draft_update, plan_publish
from tuishou.risk.models import AuditEntry

from .plans import RECRUIT_PLAN, SHOP_PLAN

pytestmark = pytest.mark.django_db


def test_import_stores_a_draft_with_its_findings_and_an_audit_entry():
    ops, community = net.operator("ops"), net.official()
    draft = plan_draft_import(actor=ops, community=community, source=SHOP_PLAN)
    assert (draft.status, draft.version, draft.plan_key, draft.jurisdiction) == ("draft", None, "shop", "us")
    assert [(f["code"], f["severity"], f["rule"]) for f in draft.findings] == [
        ("L3", "warning", None), ("L5", "warning", "tiers"), ("L7", "warning", None), ("L7", "warning", None)]
    assert draft.error_count == 0
    assert AuditEntry.objects.filter(action="incentives.plan_imported", target_id=str(draft.pk)).count() == 1


def test_an_invalid_plan_is_refused_naming_the_field_and_nothing_is_written():
    ops = net.operator("ops")
    broken = SHOP_PLAN.replace('shopkeeper: "0.50", mentor', 'shopkeepr: "0.50", mentor')
    with pytest.raises(InvalidInput) as err:
        plan_draft_import(actor=ops, community=net.official(), source=broken)
    assert err.value.code == "incentives.plan_invalid"
    assert err.value.details["field"] == "rules[0].rate.shopkeepr"
    assert PlanVersion.objects.count() == 0


def test_only_ops_operators_import_plans():
    with pytest.raises(PermissionDenied):
        plan_draft_import(actor=net.operator("finance"), community=net.official(), source=SHOP_PLAN)
    assert PlanVersion.objects.count() == 0


def test_publishing_numbers_versions_and_retires_the_one_in_force():
    ops, community = net.operator("ops"), net.official()
    t0 = timezone.now() - timedelta(days=2)
    first = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=SHOP_PLAN), at=t0)
    t1 = t0 + timedelta(days=1)
    second = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=SHOP_PLAN), at=t1)
    first.refresh_from_db()
    assert (first.version, first.status, first.retired_at) == (1, "retired", t1)
    assert (second.version, second.status, second.retired_at) == (2, "published", None)
    assert plan_version_in_force(community_id=community.pk, at=t0 + timedelta(hours=1)) == first
    assert plan_version_in_force(community_id=community.pk) == second
    assert plan_version_in_force(community_id=community.pk, at=t0 - timedelta(seconds=1)) is None


def test_a_plan_with_an_error_finding_cannot_be_published_and_nothing_changes():
    ops, community = net.operator("ops"), net.official()
    in_force = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=SHOP_PLAN))
    draft = plan_draft_import(actor=ops, community=community, source=RECRUIT_PLAN)
    with pytest.raises(InvalidInput) as err:
        plan_publish(actor=ops, draft=draft)
    assert err.value.code == "incentives.plan_not_compliant"
    assert [f["code"] for f in err.value.details["findings"]] == ["L1"]
    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("draft", None)
    assert plan_version_in_force(community_id=community.pk) == in_force


def test_a_published_version_never_changes():
    ops = net.operator("ops")
    published = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=net.official(), source=SHOP_PLAN))
    with pytest.raises(Conflict) as err:
        plan_draft_update(actor=ops, draft=published, source=SHOP_PLAN.replace('"0.05"', '"0.06"'))
    assert err.value.code == "incentives.plan_immutable"
    with pytest.raises(Conflict) as err:
        plan_publish(actor=ops, draft=published)
    assert err.value.code == "incentives.plan_already_published"
    published.refresh_from_db()
    assert published.source == SHOP_PLAN and published.version == 1


def test_versions_are_per_community():
    ops = net.operator("ops")
    official, agency = net.official(), net.agency()
    a = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=official, source=SHOP_PLAN))
    b = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=agency, source=SHOP_PLAN))
    assert (a.version, b.version) == (1, 1)
    assert plan_version_in_force(community_id=agency.pk) == b
