import pytest
from django.core.management import call_command

from tuishou.catalog.models import Product
from tuishou.core.hooks import SERVE_BANNER
from tuishou.demo.accounts import DEMO_ACCOUNTS
from tuishou.demo.loader import demo_load
from tuishou.demo.selectors import demo_logins
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.merchants.models import Merchant
from tuishou.network.models import Community, Promoter
from tuishou.network.selectors import promoter_chain

pytestmark = pytest.mark.django_db


def test_demo_loads_a_consistent_data_set_through_the_services():
    summary = demo_load(seed=7, promoters=160)
    assert (summary.merchants, summary.products, summary.communities, summary.promoters) == (4, 11, 3, 160)
    assert Merchant.objects.filter(status="active").count() == 4
    assert Product.objects.filter(status="on_shelf").count() == 11
    assert Product.objects.filter(in_hot_zone=True).count() == 4
    assert Product.objects.filter(inspected=True).count() == 3
    assert Promoter.objects.count() == 160
    counts = {c.code: c.promoters.count() for c in Community.objects.all()}
    assert counts == {"OFFICIAL": 20, "XINGHUO": 80, "QINGTENG": 60}
    for community in Community.objects.all():
        assert plan_version_in_force(community_id=community.pk) is not None
        roots = community.promoters.filter(sponsor=None)
        assert roots.count() == 1  # one tree per community, sponsor edges never cross
        assert not Promoter.objects.filter(community=community).exclude(
            sponsor__community=community).exclude(sponsor=None).exists()
    placed = Promoter.objects.get(user__username="promoter_demo")
    assert placed.joined_via == "placed" and placed.sponsor.mentor.active
    assert [role for role, *_ in demo_logins()] == [a.role for a in DEMO_ACCOUNTS]
    # tuishou serve prints them through its banner hook (core does not import the demo)
    banner = [line for lines in SERVE_BANNER.notify("http://127.0.0.1:8000") for line in lines]
    assert banner[:2] == ["", "Demo logins (sign in with the phone number):"]
    assert len(banner) == 2 + len(DEMO_ACCOUNTS)
    deepest = Promoter.objects.order_by("-depth").first()
    assert len(promoter_chain(deepest.pk)) == deepest.depth + 1


def test_demo_command_if_empty_loads_once(capsys):
    call_command("demo", "--promoters", "150", "--seed", "5")
    assert capsys.readouterr().out.startswith("demo: 4 merchants, 11 products, 3 communities, 150 promoters")
    call_command("demo", "--if-empty")
    assert capsys.readouterr().out == "demo: the database already holds data; nothing loaded\n"
    assert Promoter.objects.count() == 150
