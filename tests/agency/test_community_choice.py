import pytest

from tests.network import factories as f
from tuishou.core.errors import DomainError
from tuishou.network.community_choice import communities_open_to_join, promoter_community_choose
from tuishou.network.models import Community, Promoter
from tuishou.network.services import promoter_record_first_sale
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _snapshot():
    return (list(Promoter.objects.order_by("pk").values_list("pk", "community_id", "sponsor_id", "path", "stage",
                                                             "joined_via", "community_chosen_at")),
            AuditEntry.objects.count())


def test_a_temporary_shopkeeper_moves_with_their_team_under_the_agency_head():
    # given an official inviter, a temporary shopkeeper invited by them with a two-level team, and an agency
    official_root = f.root(display_name="官方")
    shopkeeper = f.invitee(official_root, "小周")
    first, = f.chain(shopkeeper, 1)
    second = f.invitee(first)
    agency = f.agency()
    head = f.root(agency, "星火负责人")

    # when the shopkeeper chooses the agency
    chosen = promoter_community_choose(promoter=shopkeeper, community_id=agency.pk)

    # then they hang under the agency's head, their team with them, all in the agency
    assert (chosen.community_id, chosen.sponsor_id, chosen.joined_via, chosen.depth) == (
        agency.pk, head.pk, "chosen", 1)
    assert chosen.community_chosen_at is not None
    moved = {p.pk: (p.community_id, p.sponsor_id, p.depth) for p in Promoter.objects.filter(
        pk__in=[first.pk, second.pk])}
    assert moved == {first.pk: (agency.pk, shopkeeper.pk, 2), second.pk: (agency.pk, first.pk, 3)}
    assert Promoter.objects.get(pk=official_root.pk).community.kind == "official"
    f.assert_tree_consistent()
    audit = AuditEntry.objects.get(action="network.community_chosen")
    assert audit.data == {"from_community": official_root.community_id, "to_community": agency.pk,
                          "from_sponsor_id": official_root.pk, "to_sponsor_id": head.pk, "members": 3,
                          "joined_via": "chosen"}
    assert audit.actor_id == shopkeeper.user_id


def test_choosing_the_community_one_is_in_keeps_the_sponsor():
    agency = f.agency()
    head = f.root(agency)
    shopkeeper = f.invitee(head)
    chosen = promoter_community_choose(promoter=shopkeeper, community_id=agency.pk)
    assert (chosen.sponsor_id, chosen.joined_via, chosen.community_id) == (head.pk, "invite", agency.pk)
    assert chosen.community_chosen_at is not None


def test_the_open_communities_are_listed_official_first_with_their_sizes(django_assert_max_num_queries):
    official_root = f.root()
    shopkeeper = f.invitee(official_root)
    agency = f.agency()
    f.root(agency)
    Community.objects.create(kind="agency", name="已关闭", code="CLOSED", active=False)
    with django_assert_max_num_queries(1):
        choice = communities_open_to_join(shopkeeper)
    assert choice.can_choose is True
    assert [(c["code"], c["members"], c["current"]) for c in choice.communities] == [
        ("OFFICIAL", 2, True), ("XINGHUO", 1, False)]


def _refused(promoter, community_id):
    before = _snapshot()
    with pytest.raises(DomainError) as refused:
        promoter_community_choose(promoter=promoter, community_id=community_id)
    assert _snapshot() == before
    return refused.value.code, refused.value.status


def test_after_the_first_sale_the_choice_is_fixed():
    official_root = f.root()
    shopkeeper = f.invitee(official_root)
    agency = f.agency()
    f.root(agency)
    promoter_record_first_sale(shopkeeper)
    assert _refused(shopkeeper, agency.pk) == ("network.community_choice_fixed", 409)
    assert communities_open_to_join(Promoter.objects.get(pk=shopkeeper.pk)).can_choose is False


def test_bad_choices_are_refused_and_write_nothing():
    official_root = f.root()
    shopkeeper = f.invitee(official_root)
    seller = f.invitee(shopkeeper)
    agency = f.agency()
    closed = Community.objects.create(kind="agency", name="已关闭", code="CLOSED", active=False)
    empty = f.agency("EMPTY", "空社群")
    f.root(agency)
    assert _refused(shopkeeper, closed.pk) == ("network.community_not_found", 404)
    assert _refused(shopkeeper, 999_999) == ("network.community_not_found", 404)
    assert _refused(shopkeeper, empty.pk) == ("network.community_no_head", 409)
    assert _refused(official_root, agency.pk) == ("network.community_choice_head", 409)
    promoter_record_first_sale(seller)
    assert _refused(shopkeeper, agency.pk) == ("network.community_choice_team_bound", 409)
