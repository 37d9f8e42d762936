"""Agencies in a real browser at a desk (Debian's Chromium, 1280×900): an operator opens an agency community with
its head promoter and staff (a refused code first, shown beside its field), then the staff member signs in and
reads the agency portal: overview, promoters, a promoter's page, mentors, growth charts. Screenshots of every step
go to ``tests/artifacts/agency/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.network import factories as nf
from tests.pages.signing import sign_in
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.network.models import Community, CommunityStaff, Promoter
from tuishou.network.services import promoter_register

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "agency"
PASSWORD = "a-long-password"
DESK = {"width": 1280, "height": 900}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(locale="zh-CN", viewport=DESK, base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


class Shots:
    def __init__(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page, name: str) -> None:
        page.wait_for_load_state("load")
        self.count += 1
        page.screenshot(path=str(ARTIFACTS / f"{self.count:02d}-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= DESK["width"], f"{name}: the page is {width}px wide"


def test_an_operator_opens_an_agency_and_its_staff_read_the_portal(desk):
    # given an operator, the future staff member's account, and an agency that already holds the code XINGHUO
    ops = user_create(phone="13811110001", password=PASSWORD, display_name="运营小周")
    operator_role_grant(actor=None, user=ops, role="ops")
    staff = user_create(phone="13811110002", password=PASSWORD, display_name="晨光·林老师")
    nf.root(nf.agency("XINGHUO"), "星火负责人")
    shots = Shots()

    # when the operator fills in the agency with a code that is taken
    page = desk()
    sign_in(page, ops.phone, "/ops/communities/new/", password=PASSWORD)
    page.fill("#id_name", "晨光社群")
    page.fill("#id_code", "xinghuo")
    page.fill("#id_head_phone", "13712345678")
    page.fill("#id_head_display_name", "周晨")
    page.fill("#id_head_invite_code", "cghead")
    page.fill("#id_staff", f"{staff.phone} owner")
    page.get_by_role("button", name="开通机构").click()

    # then the refusal sits beside the code field, what was typed is kept, nothing is written
    page.wait_for_load_state("load")
    assert "社群编码 XINGHUO 已被占用。" in page.inner_text(".field.invalid")
    assert page.input_value("#id_name") == "晨光社群" and page.input_value("#id_staff") == f"{staff.phone} owner"
    assert not Community.objects.filter(name="晨光社群").exists()
    shots.take(page, "ops-code-taken")

    # when the operator corrects the code
    page.fill("#id_code", "chenguang")
    page.get_by_role("button", name="开通机构").click()
    page.wait_for_url(re.compile(r"/ops/communities/\d+/$"))

    # then the community's page shows its head's invite code and its owner
    assert page.inner_text("[data-testid=head-invite-code]") == "CGHEAD"
    assert "晨光·林老师" in page.inner_text("[data-testid=staff-table]")
    shots.take(page, "ops-community")
    page.goto("/ops/communities/?q=晨光")
    assert "晨光社群" in page.inner_text("table") and "星火" not in page.inner_text("table")
    shots.take(page, "ops-communities")

    # and when the community grows (sign-ups with the head's code) and the staff member signs in
    community = Community.objects.get(code="CHENGUANG")
    head = Promoter.objects.get(invite_code="CGHEAD")
    assert CommunityStaff.objects.filter(user=staff, community=community, role="owner").exists()
    first = promoter_register(user=user_create(phone="13712340001", password=None, display_name="阿美"),
                              invite_code=head.invite_code)
    for n in range(3):
        promoter_register(user=user_create(phone=f"1371234010{n}", password=None, display_name=f"小伙伴{n}"),
                          invite_code=first.invite_code)
    portal = desk()
    sign_in(portal, staff.phone, "/agency/", password=PASSWORD)

    # then the portal shows the community's figures
    assert portal.inner_text("h1") == "晨光社群"
    assert portal.inner_text("[data-testid=kpi-promoters]") == "5"
    assert portal.inner_text("[data-testid=kpi-mentors]") == "2"
    shots.take(portal, "agency-overview")
    # on a phone the table of promoters by rank (a narrow table) fits the screen: its counts are in view
    portal.set_viewport_size({"width": 390, "height": 844})
    portal.reload()
    ranks = portal.locator("table.table.narrow")
    assert ranks.count() == 1 and portal.evaluate("document.documentElement.scrollWidth") == 390
    box = ranks.locator("tbody td.num").first.bounding_box()
    assert box["x"] + box["width"] <= 390
    assert ranks.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")  # no sideways scroll
    portal.screenshot(path=str(ARTIFACTS / "agency-overview-phone.png"), full_page=True)
    portal.set_viewport_size(DESK)
    portal.reload()
    portal.locator(".desk-side a[href='/agency/promoters/']").click()
    portal.wait_for_url(re.compile(r"/agency/promoters/$"))
    assert portal.locator("table.table tbody tr").count() == 5
    shots.take(portal, "agency-promoters")
    portal.get_by_role("link", name="阿美").click()
    portal.wait_for_url(re.compile(r"/agency/promoters/\d+/$"))
    assert portal.inner_text("[data-testid=team-size]") == "3"
    assert "周晨" in portal.inner_text("[data-testid=sponsor-chain]")
    shots.take(portal, "agency-promoter")
    portal.goto("/agency/mentors/")
    assert [row.split("\t")[0] for row in portal.locator("table.table tbody tr").all_inner_texts()] == ["阿美", "周晨"]
    shots.take(portal, "agency-mentors")
    portal.goto("/agency/growth/")
    assert portal.inner_text("[data-testid=new-total]") == "5"
    assert portal.locator("[data-testid=chart-new] svg.wide rect").count() == 30  # and as many in the narrow one
    shots.take(portal, "agency-growth")

    # and another community's promoter is not found
    stranger = Promoter.objects.get(community__code="XINGHUO")
    response = portal.goto(f"/agency/promoters/{stranger.pk}/")
    assert response.status == 404


def test_a_temporary_shopkeeper_chooses_an_agency_on_a_phone(browser, live_server):
    # given a shopkeeper invited into the official community, and an agency with its head
    inviter = nf.root(display_name="官方总店")
    newcomer = promoter_register(user=user_create(phone="13811110003", password=PASSWORD, display_name="王小新"),
                                 invite_code=inviter.invite_code)
    agency = nf.agency()
    head = nf.root(agency, "星火负责人")
    shots = Shots()
    shots.count = 10
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, newcomer.user.phone, "/centre/community/", password=PASSWORD)
        assert page.inner_text("[data-testid=current-community]") == "官方社群"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shots.take(page, "centre-community-choose")

        # when they pick the agency and join it
        page.locator("label.choice", has_text="星火社群").tap()
        assert page.is_checked(f"input[name=community][value='{agency.pk}']")
        with page.expect_navigation():
            page.get_by_role("button", name="加入这个社群").tap()

        # then they are in the agency under its head, and the page says so
        assert page.inner_text("[data-testid=current-community]") == "星火社群"
        moved = Promoter.objects.get(pk=newcomer.pk)
        assert (moved.community_id, moved.sponsor_id, moved.joined_via) == (agency.pk, head.pk, "chosen")
        shots.take(page, "centre-community-chosen")
    finally:
        context.close()
