"""Every desk list shows a time one way, ``2026-12-05 00:30`` in the person's time zone (a date: ``2026-12-05``),
in Chinese and in English alike: the generic table (operators' promoters, an agency's promoters) and a page that
draws its own cells (a merchant's orders) through the same ``list_time``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from tests.network import factories as nf
from tests.orders import factories as of
from tuishou.core.listing import list_time
from tuishou.network.models import CommunityStaff, Promoter
from tuishou.orders.models import Order

# 16:30 UTC is half past midnight the next day in Shanghai: the list shows the local day, not the stored one
AT = datetime(2026, 12, 4, 16, 30, 15, tzinfo=UTC)


def test_a_time_is_local_to_the_minute_a_date_is_the_day_and_the_rest_is_left_alone():
    assert list_time(AT) == "2026-12-05 00:30"
    with timezone.override("Europe/London"):
        assert list_time(AT) == "2026-12-04 16:30"
    assert list_time(datetime(2026, 12, 4, 9, 5)) == "2026-12-04 09:05"  # naive: as written
    assert list_time(date(2026, 3, 1)) == "2026-03-01"
    assert (list_time(None), list_time("—"), list_time(7)) == (None, "—", 7)


def test_the_template_filter_is_the_same_format_and_blank_for_nothing():
    template = Template('{% load ui %}[{{ at|list_time }}][{{ none|list_time|default:"—" }}][{{ day|list_time }}]')

    text = template.render(Context({"at": AT, "none": None, "day": date(2026, 3, 1)}))

    assert text == "[2026-12-05 00:30][—][2026-03-01]"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_three_desk_lists_show_the_same_time_text_in_either_language(client, after_commit, language):
    # an operator's and an agency's promoter lists (the generic table), a merchant's orders (its own cells)
    agency = nf.agency()
    head = nf.root(agency, "负责人")
    Promoter.objects.filter(pk=head.pk).update(created_at=AT)
    staff = nf.user("机构运营")
    CommunityStaff.objects.create(user=staff, community=agency, role="viewer")
    order = of.paid_order(after_commit)
    Order.objects.filter(pk=order.pk).update(created_at=AT, paid_at=AT.replace(minute=41))
    pages = []

    for person, url in ((nf.operator("ops"), f"/ops/promoters/?q={head.invite_code}"),
                        (staff, "/agency/promoters/"), (of.owner(order.merchant), "/merchant/orders/")):
        client.force_login(person)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        pages.append(response.content.decode())

    operators, agencys, merchants = pages
    cell = r'<td data-label="[^"<>]+">{}</td>'  # a card's cell on a phone: its column's name, then the value
    assert re.search(cell.format("2026-12-05 00:30"), operators)  # joined: a time
    assert re.search(cell.format("2026-12-05"), agencys)  # joined: a day
    assert '<div class="muted small">2026-12-05 00:30</div>' in merchants  # placed
    assert re.search(r'<td class="nowrap" data-label="[^"<>]+">2026-12-05 00:41</td>', merchants)  # paid, one line
    for html in pages:
        assert "2026年12月5日" not in html and "Dec. 5, 2026" not in html and "2026-12-04" not in html
