import pytest

from tests.admin_forms import form_data, inline_row
from tests.network import factories as f
from tuishou.network import services
from tuishou.network.models import Community, CommunityStaff, Mentor, MentorSwitchRequest, NetworkPolicy
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
# The services' own audit entries (the back office adds its admin.* entries of every write beside them).
SERVICE_AUDIT = AuditEntry.objects.exclude(action__startswith="admin.")


def test_back_office_pages_render(admin_client):
    top = f.root()
    f.mentor()
    f.invitee(top)
    services.network_policy_get()
    for name in ["community", "promoter", "networkpolicy", "mentor", "mentorswitchrequest", "rankrecord"]:
        assert admin_client.get(f"/admin/network/{name}/").status_code == 200, name
    page = admin_client.get(f"/admin/network/promoter/{top.pk}/change/")
    assert page.status_code == 200 and bytes(top.path).hex() in page.content.decode()


def test_policy_edit_keeps_the_counters_and_is_audited(admin_client):
    f.root()
    f.root()
    policy = services.network_policy_get()
    assert policy.next_root_ordinal == 2
    form = {"invite_code_required": "", "placement_policy": "round_robin", "switch_cooldown_days": "7",
            "switch_max_count": "2", "switch_max_sales": "", "default_sponsor": "", "promotion_mode": "everyone",
            "promotion_min_purchase": ""}
    NetworkPolicy.objects.filter(pk=1).update(next_root_ordinal=5)  # moved on while the form was open
    resp = admin_client.post("/admin/network/networkpolicy/1/change/", form)
    assert resp.status_code == 302
    policy = NetworkPolicy.objects.get()
    assert (policy.placement_policy, policy.switch_cooldown_days, policy.next_root_ordinal) == ("round_robin", 7, 5)
    assert SERVICE_AUDIT.get().action == "network.policy_changed"


def test_approve_action_applies_the_switch(admin_client):
    old, new = f.mentor(), f.mentor()
    f.policy(placement_policy="round_robin", switch_cooldown_days=0, switch_requires_approval=True)
    placed = services.promoter_register(user=f.user(), invite_code=None)
    switch = services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    resp = admin_client.post("/admin/network/mentorswitchrequest/",
                             {"action": "approve", "_selected_action": [switch.pk]})
    assert resp.status_code == 302
    assert MentorSwitchRequest.objects.get().status == "applied"
    assert f.refreshed(placed).sponsor_id == new.promoter_id != old.promoter_id


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_adding_an_agency_promoter_as_mentor_is_refused_and_nothing_is_saved(admin_client):
    # given a promoter of an agency's community
    outsider = f.root(f.agency())

    # when an operator adds them as a mentor in the back office
    response = admin_client.post("/admin/network/mentor/add/", {"promoter": outsider.pk, "active": "on",
                                                                 "capacity": "5"}, follow=True)

    # then the refusal is all the page says, and nothing was written
    assert _messages(response) == [
        "Nothing was saved: Mentors belong to the official community. (network.mentor_not_official)"]
    assert (Mentor.objects.count(), SERVICE_AUDIT.count()) == (0, 0)


def test_adding_and_deactivating_a_mentor_goes_through_the_services(admin_client):
    # given an official-community promoter
    promoter = f.root()

    # when an operator adds them with a capacity, then unticks "active"
    added = admin_client.post("/admin/network/mentor/add/", {"promoter": promoter.pk, "active": "on",
                                                              "capacity": "5"})
    mentor = Mentor.objects.get()
    changed = admin_client.post(f"/admin/network/mentor/{mentor.pk}/change/", {"capacity": "5"})

    # then the mentor was enrolled and taken out of the pool, each audited
    assert (added.status_code, changed.status_code) == (302, 302)
    mentor.refresh_from_db()
    assert (mentor.promoter_id, mentor.capacity, mentor.active) == (promoter.pk, 5, False)
    assert list(SERVICE_AUDIT.order_by("pk").values_list("action", "data")) == [
        ("network.mentor_enrolled", {"capacity": 5}), ("network.mentor_deactivated", {})]


def test_community_staff_are_added_and_removed_through_the_service(admin_client):
    # given an agency's community and a user to make its staff
    community = f.agency()
    person = f.user("运营小张")
    page = admin_client.get(f"/admin/network/community/{community.pk}/change/")

    # when an operator adds a staff row on the community's page
    data = inline_row(form_data(page), "staff", user=person.pk, role="owner")
    added = admin_client.post(f"/admin/network/community/{community.pk}/change/", data)

    # then the row is there and audited by community_staff_add
    assert added.status_code == 302
    staff = CommunityStaff.objects.get()
    assert (staff.user_id, staff.community_id, staff.role) == (person.pk, community.pk, "owner")
    assert SERVICE_AUDIT.filter(action="network.community_staff_set", target_id=str(staff.pk)).count() == 1

    # and when the row is deleted, community_staff_remove takes it away with an audit entry
    data = form_data(admin_client.get(f"/admin/network/community/{community.pk}/change/"))
    data["staff-0-DELETE"] = "on"
    removed = admin_client.post(f"/admin/network/community/{community.pk}/change/", data)
    assert removed.status_code == 302
    assert not CommunityStaff.objects.exists()
    assert SERVICE_AUDIT.filter(action="network.community_staff_removed").count() == 1


def test_the_policy_form_audits_only_what_changed(admin_client):
    services.network_policy_get()
    data = form_data(admin_client.get("/admin/network/networkpolicy/1/change/"))
    data["switch_cooldown_days"] = "3"
    assert admin_client.post("/admin/network/networkpolicy/1/change/", data).status_code == 302
    assert list(SERVICE_AUDIT.values_list("action", "data")) == [
        ("network.policy_changed", {"switch_cooldown_days": "3"})]


def test_a_community_is_created_and_renamed_through_the_services(admin_client):
    # when an operator adds an agency's community (with its head, as agency_create wants) in the back office,
    # then renames and closes it
    added = admin_client.post("/admin/network/community/add/", {
        "name": "星火社群", "code": "xinghuo", "kind": "agency", "active": "on", "head_phone": "13712345678",
        "head_invite_code": "XHHEAD", "staff-TOTAL_FORMS": "0", "staff-INITIAL_FORMS": "0"})
    community = Community.objects.get(code="XINGHUO")
    changed = admin_client.post(f"/admin/network/community/{community.pk}/change/", {
        "name": "星火", "staff-TOTAL_FORMS": "0", "staff-INITIAL_FORMS": "0"})

    # then agency_create and community_update wrote it, each audited
    assert (added.status_code, changed.status_code) == (302, 302)
    community.refresh_from_db()
    assert (community.name, community.kind, community.active) == ("星火", "agency", False)
    head = community.promoters.get()
    assert (head.invite_code, head.user.phone, head.sponsor_id) == ("XHHEAD", "13712345678", None)
    assert list(SERVICE_AUDIT.order_by("pk").values_list("action", flat=True)) == [
        "network.community_created", "network.root_created", "network.agency_created", "network.community_updated"]
    assert SERVICE_AUDIT.order_by("pk").last().data == {"name": "星火", "active": False}


def test_an_agency_without_a_head_is_refused_in_the_back_office(admin_client):
    response = admin_client.post("/admin/network/community/add/", {
        "name": "晨光", "code": "CG", "kind": "agency", "active": "on",
        "staff-TOTAL_FORMS": "0", "staff-INITIAL_FORMS": "0"}, follow=True)
    assert [m.message.split(":")[0] for m in response.wsgi_request._messages] == ["Nothing was saved"]
    assert (Community.objects.count(), SERVICE_AUDIT.count()) == (0, 0)


def test_a_community_code_the_service_refuses_saves_nothing(admin_client):
    response = admin_client.post("/admin/network/community/add/", {
        "name": "坏码", "code": "a b", "kind": "agency", "active": "on",
        "staff-TOTAL_FORMS": "0", "staff-INITIAL_FORMS": "0"}, follow=True)
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Nothing was saved: A community code has 2–32 letters, digits or _. (network.community_code_invalid)"]
    assert (Community.objects.filter(name="坏码").count(), SERVICE_AUDIT.count()) == (0, 0)
