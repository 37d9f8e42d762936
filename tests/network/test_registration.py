import pytest

from tests.network import factories as f
from tuishou.accounts.models import User
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.network import invite_codes, services, treepath
from tuishou.network.models import Promoter

pytestmark = pytest.mark.django_db


def test_invite_code_makes_the_inviter_the_sponsor_in_the_inviters_community():
    agency = f.agency()
    top = f.root(agency)
    promoter = services.promoter_register(user=f.user(), invite_code=top.invite_code.lower())
    assert promoter.sponsor_id == top.pk
    assert promoter.community_id == agency.pk
    assert promoter.joined_via == "invite"
    assert promoter.stage == "temporary"
    assert promoter.depth == 1
    assert bytes(promoter.path) == treepath.child_path(bytes(top.path), 0)
    f.assert_tree_consistent()


def test_siblings_get_consecutive_ordinals():
    top = f.root()
    first, second = f.invitee(top), f.invitee(top)
    assert bytes(first.path) == bytes(top.path) + b"\x00"
    assert bytes(second.path) == bytes(top.path) + b"\x01"
    assert f.refreshed(top).next_child_ordinal == 2


def test_roots_of_different_communities_get_distinct_paths():
    official_root = f.root()
    agency_root = f.root(f.agency())
    assert bytes(official_root.path) == b"\x00" and bytes(agency_root.path) == b"\x01"
    assert official_root.joined_via == agency_root.joined_via == "root"


def test_invite_codes_are_short_unambiguous_and_upper_case():
    promoters = [f.root()] + [f.invitee(Promoter.objects.first()) for _ in range(5)]
    codes = {p.invite_code for p in promoters}
    assert len(codes) == 6
    for code in codes:
        assert len(code) == 6 and invite_codes.is_well_formed(code)
        assert not set(code) & set("0O1IL")


def test_code_typed_with_spaces_and_lower_case_is_accepted():
    top = f.root()
    code = top.invite_code
    promoter = services.promoter_register(user=f.user(), invite_code=f" {code[:3].lower()}-{code[3:]} ")
    assert promoter.sponsor_id == top.pk


def test_unknown_invite_code_is_refused_and_writes_nothing():
    f.root()
    new_user = f.user()
    with pytest.raises(NotFound) as err:
        services.promoter_register(user=new_user, invite_code="ZZZZZZ")
    assert err.value.code == "network.invite_code_unknown"
    assert Promoter.objects.count() == 1


def test_disabled_invite_code_is_refused_and_writes_nothing():
    top = f.root()
    services.invite_code_disable(promoter=top)
    with pytest.raises(InvalidInput) as err:
        services.promoter_register(user=f.user(), invite_code=top.invite_code)
    assert err.value.code == "network.invite_code_disabled"
    assert Promoter.objects.count() == 1
    assert f.refreshed(top).next_child_ordinal == 0


def test_regenerated_code_replaces_the_old_one():
    top = f.root()
    old = top.invite_code
    services.invite_code_regenerate(promoter=top)
    assert f.refreshed(top).invite_code != old
    with pytest.raises(NotFound):
        services.promoter_register(user=f.user(), invite_code=old)


def test_no_code_is_refused_when_codes_are_required_and_nothing_else_applies():
    f.root()
    with pytest.raises(InvalidInput) as err:
        services.promoter_register(user=f.user(), invite_code=None)
    assert err.value.code == "network.invite_code_required"
    assert Promoter.objects.count() == 1


def test_no_code_goes_to_the_default_sponsor_when_no_mentor_exists():
    platform = f.root()
    f.policy(default_sponsor=platform)
    promoter = services.promoter_register(user=f.user(), invite_code="")
    assert promoter.sponsor_id == platform.pk
    assert promoter.joined_via == "default_sponsor"


def test_no_code_makes_a_root_of_the_official_community_when_codes_are_optional():
    f.policy(invite_code_required=False)
    promoter = services.promoter_register(user=f.user(), invite_code=None)
    assert promoter.sponsor_id is None and promoter.joined_via == "root"
    assert promoter.community.kind == "official"


def test_agency_cannot_be_joined_without_an_invite_code():
    agency = f.agency()
    f.root(agency)
    f.policy(invite_code_required=False)
    with pytest.raises(InvalidInput) as err:
        services.promoter_register(user=f.user(), invite_code=None, community_code=agency.code)
    assert err.value.code == "network.invite_code_required"
    assert Promoter.objects.count() == 1


def test_invite_code_of_another_community_is_refused():
    agency_root = f.root(f.agency())
    with pytest.raises(InvalidInput) as err:
        services.promoter_register(user=f.user(), invite_code=agency_root.invite_code, community_code="OFFICIAL")
    assert err.value.code == "network.cross_community"
    assert Promoter.objects.count() == 1


def test_a_user_becomes_a_promoter_only_once():
    top = f.root()
    promoter = f.invitee(top)
    with pytest.raises(Conflict) as err:
        services.promoter_register(user=promoter.user, invite_code=top.invite_code)
    assert err.value.code == "network.already_promoter"
    assert Promoter.objects.count() == 2


def test_signup_creates_user_and_promoter_together():
    top = f.root()
    promoter = services.promoter_signup(phone="13812345678", password="a-long-password",
                                        invite_code=top.invite_code, display_name="小红")
    assert promoter.user.phone == "13812345678" and promoter.user.display_name == "小红"
    assert promoter.sponsor_id == top.pk


def test_signup_with_a_duplicate_phone_writes_nothing():
    top = f.root()
    services.promoter_signup(phone="13812345678", password="a-long-password", invite_code=top.invite_code)
    users, promoters = User.objects.count(), Promoter.objects.count()
    with pytest.raises(Conflict) as err:
        services.promoter_signup(phone="138-1234-5678", password="a-long-password", invite_code=top.invite_code)
    assert err.value.code == "accounts.phone_taken"
    assert (User.objects.count(), Promoter.objects.count()) == (users, promoters)
    assert f.refreshed(top).next_child_ordinal == 1


def test_signup_with_a_bad_code_does_not_leave_a_user_behind():
    f.root()
    users = User.objects.count()
    with pytest.raises(NotFound):
        services.promoter_signup(phone="13812345678", password="a-long-password", invite_code="ABCDEF")
    assert User.objects.count() == users
    assert Promoter.objects.count() == 1


def test_closed_community_refuses_sign_ups():
    agency = f.agency()
    top = f.root(agency)
    agency.active = False
    agency.save()
    with pytest.raises(InvalidInput) as err:
        services.promoter_register(user=f.user(), invite_code=top.invite_code)
    assert err.value.code == "network.community_inactive"
    assert Promoter.objects.count() == 1
