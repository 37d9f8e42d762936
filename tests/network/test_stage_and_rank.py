from datetime import UTC, datetime

import pytest

from tests.network import factories as f
from tuishou.core.errors import Conflict, InvalidInput, PermissionDenied
from tuishou.network import services
from tuishou.network.models import Community, RankRecord
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def test_first_paid_sale_makes_a_temporary_shopkeeper_ordinary_and_later_sales_only_count():
    promoter = f.invitee(f.root())
    assert promoter.stage == "temporary"
    services.promoter_record_first_sale(promoter)
    services.promoter_record_first_sale(promoter)
    promoter = f.refreshed(promoter)
    assert (promoter.stage, promoter.paid_sales_count) == ("ordinary", 2)


def test_rank_set_appends_history_and_updates_the_current_rank():
    promoter = f.invitee(f.root())
    first = services.promoter_rank_set(promoter, "shopkeeper", source="evaluation", effective_at=WHEN,
                                       reason="达标", plan_id="official", plan_version=3)
    second = services.promoter_rank_set(promoter, "mentor", source="evaluation", effective_at=WHEN)
    assert f.refreshed(promoter).rank == "mentor"
    assert (first.previous_rank, first.rank, first.plan_version) == ("", "shopkeeper", 3)
    assert (second.previous_rank, second.rank) == ("shopkeeper", "mentor")
    assert services.promoter_rank_set(promoter, "mentor", source="evaluation", effective_at=WHEN) is None
    assert RankRecord.objects.count() == 2


def test_operator_rank_change_is_audited_and_needs_an_operator():
    promoter = f.invitee(f.root())
    with pytest.raises(PermissionDenied):
        services.promoter_rank_set(promoter, "partner", source="operator", effective_at=WHEN, actor=promoter.user)
    ops = f.operator()
    record = services.promoter_rank_set(promoter, "partner", source="operator", effective_at=WHEN, actor=ops,
                                        reason="线下活动奖励")
    assert record.actor == ops
    assert AuditEntry.objects.get().action == "network.rank_set"


def test_unknown_rank_source_is_refused():
    promoter = f.invitee(f.root())
    with pytest.raises(InvalidInput) as err:
        services.promoter_rank_set(promoter, "x", source="magic", effective_at=WHEN)
    assert err.value.code == "network.rank_source_unknown"
    assert RankRecord.objects.count() == 0


def test_only_one_official_community():
    official = f.official()
    assert f.official() == official
    ops = f.operator()
    with pytest.raises(Conflict) as err:
        services.community_create(actor=ops, name="第二官方", code="OFFICIAL2", kind="official")
    assert err.value.code == "network.official_exists"
    agency = services.community_create(actor=ops, name="星火", code="xinghuo")
    assert agency.code == "XINGHUO" and agency.kind == "agency"
    assert Community.objects.count() == 2
    assert AuditEntry.objects.get().action == "network.community_created"


def test_mentors_must_be_in_the_official_community():
    agency_root = f.root(f.agency())
    with pytest.raises(InvalidInput) as err:
        services.mentor_enroll(actor=f.operator(), promoter=agency_root)
    assert err.value.code == "network.mentor_not_official"
