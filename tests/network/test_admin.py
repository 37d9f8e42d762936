import pytest

from tests.network import factories as f
from tuishou.network import services
from tuishou.network.models import MentorSwitchRequest, NetworkPolicy
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


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
    assert AuditEntry.objects.get().action == "network.policy_changed"


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
