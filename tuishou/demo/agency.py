"""The agency portal's demo: the agency account (星火社群·陈老师, 13800000020) runs 星火社群 as its owner, beside a
viewer from the agency's office; and a newcomer (王小新, 13800000032) whom the mentor 李娜 invited yesterday is
still a temporary shopkeeper who has not chosen a community (/centre/community/ offers the three).

It is scheduled on the replay's timeline 21 hours before the end, after every purchase was planned: the newcomer
opens no store and sells nothing, so no order or commission changes.
星火社群's promoters, mentors and three months of growth come from the replay itself (``loader._agencies``).
"""

from __future__ import annotations

from tuishou.demo import people
from tuishou.demo.world import HOUR, World
from tuishou.network import agencies
from tuishou.network.models import Community
from tuishou.network.services import promoter_register

AGENCY_CODE = "XINGHUO"
VIEWER_NAME = "星火社群·数据助理"


def agency_demo(world: World, phones: people.Phones) -> None:
    """Schedule the agency's viewer and the undecided temporary shopkeeper (21 hours before the end)."""
    world.timeline.at(world.ago(21 * HOUR), lambda: _agency_people(world, phones))


def _agency_people(world: World, phones: people.Phones) -> None:
    community = Community.objects.get(code=AGENCY_CODE)
    viewer = people.user_new(world, phones, VIEWER_NAME)
    agencies.agency_staff_add(actor=world.ops, community_id=community.pk, phone=viewer.phone, role="viewer")
    newcomer = world.users["promoter_new"]
    inviter = world.users["promoter_mentor"].promoter
    promoter_register(user=newcomer, invite_code=inviter.invite_code)
