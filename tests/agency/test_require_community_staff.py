import pytest

from tests.network import factories as f
from tuishou.core.errors import NotFound, PermissionDenied
from tuishou.network import selectors
from tuishou.network.models import CommunityStaff

pytestmark = pytest.mark.django_db


def test_staff_of_the_community_get_it_with_any_role():
    # given an agency with an owner and a viewer
    community = f.agency()
    owner, viewer = f.user("负责人"), f.user("只读")
    CommunityStaff.objects.create(user=owner, community=community, role="owner")
    CommunityStaff.objects.create(user=viewer, community=community, role="viewer")

    # then both may read it, and only the owner may change it
    assert selectors.require_community_staff(owner, community.pk) == community
    assert selectors.require_community_staff(viewer, community.pk) == community
    assert selectors.require_community_staff(owner, community.pk, roles=selectors.MANAGERS) == community
    with pytest.raises(PermissionDenied) as refused:
        selectors.require_community_staff(viewer, community.pk, roles=selectors.MANAGERS)
    assert refused.value.code == "network.community_role_required"
    assert refused.value.details == {"roles": ["owner", "manager"], "role": "viewer"}


def test_another_community_answers_like_a_missing_one(django_assert_max_num_queries):
    # given two agencies, a staff member of the first
    mine, other = f.agency(), f.agency("QINGTENG", "青藤联盟")
    person = f.user()
    CommunityStaff.objects.create(user=person, community=mine, role="manager")

    # then the other community, a missing one and no community at all are the same 404
    codes = []
    for community_id in (other.pk, 999_999, None):
        with pytest.raises(NotFound) as missing:
            selectors.require_community_staff(person, community_id)
        codes.append((missing.value.code, missing.value.status))
    assert codes == [("network.community_not_found", 404)] * 3
    with django_assert_max_num_queries(2):
        selectors.require_community_staff(person, mine.pk)


def test_anonymous_and_inactive_users_are_nobody_s_staff():
    from django.contrib.auth.models import AnonymousUser
    community = f.agency()
    person = f.user()
    CommunityStaff.objects.create(user=person, community=community, role="owner")
    person.is_active = False
    for user in (AnonymousUser(), None, person):
        with pytest.raises(NotFound):
            selectors.require_community_staff(user, community.pk)
    assert selectors.staff_communities(AnonymousUser()) == []
