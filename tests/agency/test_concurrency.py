import pytest

from tests.concurrency import at_once, errors_of
from tests.network import factories as f
from tuishou.core.errors import Conflict
from tuishou.network.community_choice import promoter_community_choose
from tuishou.network.models import Promoter
from tuishou.network.services import promoter_record_first_sale


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_shopkeepers_choosing_one_agency_at_once_all_hang_under_its_head():
    top = f.root()
    shopkeepers = [f.invitee(top) for _ in range(5)]
    for shopkeeper in shopkeepers[:2]:
        f.chain(shopkeeper, 2)
    agency = f.agency()
    head = f.root(agency)
    outcomes = at_once([lambda s=s: promoter_community_choose(promoter=s, community_id=agency.pk)
                        for s in shopkeepers])
    assert errors_of(outcomes) == []
    assert Promoter.objects.filter(sponsor=head).count() == 5
    assert Promoter.objects.filter(community=agency).count() == 1 + 5 + 4
    f.assert_tree_consistent()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_choice_racing_the_first_sale_is_either_made_before_it_or_refused():
    top = f.root()
    shopkeeper = f.invitee(top)
    agency = f.agency()
    f.root(agency)
    chose, sold = at_once([lambda: promoter_community_choose(promoter=shopkeeper, community_id=agency.pk),
                           lambda: promoter_record_first_sale(shopkeeper)])
    after = Promoter.objects.get(pk=shopkeeper.pk)
    assert (after.stage, after.paid_sales_count) == ("ordinary", 1) and not isinstance(sold, Exception)
    if isinstance(chose, Exception):  # the sale came first: the choice is refused and nothing moved
        assert isinstance(chose, Conflict) and chose.code == "network.community_choice_fixed"
        assert (after.community_id, after.sponsor_id, after.community_chosen_at) == (top.community_id, top.pk, None)
    else:  # the choice came first: the sale waited for it, and counts in the new community
        assert after.community_id == agency.pk and after.community_chosen_at is not None
    f.assert_tree_consistent()
