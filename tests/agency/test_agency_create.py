import pytest

from tests.network import factories as f
from tuishou.accounts.models import User
from tuishou.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from tuishou.network.agencies import StaffSeat, agency_active_set, agency_create, agency_staff_add, agency_staff_remove
from tuishou.network.models import Community, CommunityStaff, Promoter
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _counts():
    return (Community.objects.count(), Promoter.objects.count(), CommunityStaff.objects.count(),
            User.objects.count(), AuditEntry.objects.count())


def test_an_operator_opens_an_agency_with_a_new_head_and_staff():
    # given an operator and two existing users to seat as staff
    ops = f.operator("ops")
    owner, viewer = f.user("王负责人"), f.user("小李")

    # when the operator opens the agency with a new head and a chosen invite code
    agency = agency_create(actor=ops, name=" 晨光社群 ", code="chenguang", head_phone="13712345678",
                           head_display_name="周晨", head_password="Str0ng-pass-1", head_invite_code="cg-2526a",
                           staff=[StaffSeat(owner.phone, "owner"), StaffSeat(viewer.phone, "viewer")])

    # then the community, its head (a root with that code) and its staff are there
    community = Community.objects.get(code="CHENGUANG")
    assert (community.name, community.kind, community.active) == ("晨光社群", "agency", True)
    head = Promoter.objects.get(pk=agency.head.pk)
    assert (head.community_id, head.sponsor_id, head.joined_via, head.invite_code, head.depth, head.stage) == (
        community.pk, None, "root", "CG2526A", 0, "temporary")
    assert (head.user.phone, head.user.display_name, head.user.check_password("Str0ng-pass-1")) == (
        "13712345678", "周晨", True)
    assert sorted(CommunityStaff.objects.values_list("user_id", "community_id", "role")) == sorted([
        (owner.pk, community.pk, "owner"), (viewer.pk, community.pk, "viewer")])
    # and every step is audited, the whole last
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["network.community_created", "network.root_created", "network.community_staff_set",
                       "network.community_staff_set", "network.agency_created"]
    summary = AuditEntry.objects.get(action="network.agency_created")
    assert summary.data == {"code": "CHENGUANG", "name": "晨光社群", "head_promoter_id": head.pk,
                            "head_user_id": head.user_id, "head_invite_code": "CG2526A",
                            "staff": [{"user_id": owner.pk, "role": "owner"}, {"user_id": viewer.pk, "role": "viewer"}]}
    assert summary.actor_id == ops.pk


def test_an_existing_user_can_be_the_head_with_a_generated_code():
    ops = f.operator("admin")
    person = f.user("老周")
    agency = agency_create(actor=ops, name="晨光社群", code="CG", head_phone=person.phone)
    assert agency.head.user_id == person.pk and len(agency.head.invite_code) == 6
    assert agency.staff == []


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"code": "XINGHUO"}, "network.community_code_taken", "code"),
    ({"code": "x"}, "network.community_code_invalid", "code"),
    ({"name": "  "}, "network.community_name_missing", "name"),
    ({"head_phone": "12345"}, "accounts.phone_invalid", "head_phone"),
    ({"head_phone": "IN_COMMUNITY"}, "network.head_already_promoter", "head_phone"),
    ({"head_invite_code": "AB"}, "network.invite_code_invalid", "head_invite_code"),
    ({"head_invite_code": "TAKEN"}, "network.invite_code_taken", "head_invite_code"),
    ({"staff": [StaffSeat("13699999999", "owner")]}, "network.user_phone_unknown", "staff"),
    ({"staff": [StaffSeat("STAFF", "boss")]}, "network.staff_role_unknown", "staff"),
    ({"staff": [StaffSeat("STAFF", "owner"), StaffSeat("STAFF", "viewer")]}, "network.staff_duplicate", "staff"),
])
def test_bad_input_is_refused_on_its_field_and_writes_nothing(change, code, field):
    # given an existing agency whose head is a promoter, and a user who could be staff
    ops = f.operator("ops")
    existing = f.root(f.agency("XINGHUO"))
    existing.invite_code = "TAKEN2"
    Promoter.objects.filter(pk=existing.pk).update(invite_code="TAKENX")
    staff_user = f.user()
    args = {"name": "晨光社群", "code": "CHENGUANG", "head_phone": "13712345678", "head_invite_code": "",
            "staff": []} | change
    if args["head_phone"] == "IN_COMMUNITY":
        args["head_phone"] = existing.user.phone
    if args["head_invite_code"] == "TAKEN":
        args["head_invite_code"] = "TAKENX"
    args["staff"] = [StaffSeat(staff_user.phone if s.phone == "STAFF" else s.phone, s.role) for s in args["staff"]]
    before = _counts()

    # when the operator submits it, then it is refused on the field, and nothing is written
    with pytest.raises(DomainError) as refused:
        agency_create(actor=ops, **args)
    assert (refused.value.code, refused.value.details.get("field")) == (code, field)
    assert _counts() == before


def test_only_operators_open_agencies():
    with pytest.raises(PermissionDenied):
        agency_create(actor=f.user(), name="晨光", code="CG", head_phone="13712345678")
    assert not Community.objects.exists()


def test_staff_are_added_by_phone_removed_and_the_community_closed():
    ops = f.operator("ops")
    agency = agency_create(actor=ops, name="晨光社群", code="CG", head_phone="13712345678")
    person = f.user()
    row = agency_staff_add(actor=ops, community_id=agency.community.pk, phone=person.phone, role="viewer")
    assert (row.user_id, row.role) == (person.pk, "viewer")
    with pytest.raises(NotFound) as unknown:
        agency_staff_add(actor=ops, community_id=agency.community.pk, phone="13600000000")
    assert unknown.value.details["field"] == "phone"
    assert agency_staff_remove(actor=ops, community_id=agency.community.pk, user_id=person.pk) is True
    assert agency_staff_remove(actor=ops, community_id=agency.community.pk, user_id=person.pk) is False
    closed = agency_active_set(actor=ops, community_id=agency.community.pk, active=False)
    assert closed.active is False
    assert list(AuditEntry.objects.filter(action__in=["network.community_staff_set", "network.community_staff_removed",
                                                      "network.community_updated"])
                .order_by("pk").values_list("action", "data")) == [
        ("network.community_staff_set", {"role": "viewer"}),
        ("network.community_staff_removed", {"role": "viewer", "user": person.pk}),
        ("network.community_updated", {"active": False})]
    with pytest.raises(Conflict):
        agency_create(actor=ops, name="again", code="CG", head_phone="13712345679")
