"""The demo's moved clock reaches every row the replayed history writes: ``timezone.now()`` and every field whose
default is ``timezone.now`` (a material, its citation, a person's joining date) read the demo's time, so the
demo's materials are spread over its weeks, not all stamped with the minute the loader ran."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.orders import factories as of
from tuishou.community import materials
from tuishou.core.models import Job
from tuishou.demo.clock import DemoClock, moved_clock

pytestmark = pytest.mark.django_db
THEN = datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_material_and_its_citation_are_dated_by_the_demo_clock():
    of.plan()
    author = of.root("阿花")
    reuser = of.invitee(author, "小李")
    product_id = of.sku().product_id
    with moved_clock(DemoClock(THEN)):
        material = materials.material_publish(user=author.user, product_id=product_id, text="山里的蜂蜜")
    with moved_clock(DemoClock(THEN + timedelta(days=3))):
        citation, _link = materials.material_reuse(user=reuser.user, material_id=material.pk, channel="wechat")
    material.refresh_from_db()
    citation.refresh_from_db()
    assert THEN < material.created_at < THEN + timedelta(seconds=1)
    assert THEN + timedelta(days=3) < citation.created_at < THEN + timedelta(days=3, seconds=1)


def test_every_field_defaulting_to_now_reads_the_clock_and_the_wall_clock_is_back_after():
    with moved_clock(DemoClock(THEN)):
        job = Job.objects.create(kind="export")
        person = of.user("小王")
    assert THEN < job.created_at < THEN + timedelta(seconds=1)
    assert THEN < person.date_joined < THEN + timedelta(seconds=1)
    assert Job.objects.create(kind="export").created_at > timezone.now() - timedelta(minutes=1)
