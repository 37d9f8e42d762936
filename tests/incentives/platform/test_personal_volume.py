"""A promoter's lifetime credited sales (``Promoter.personal_volume``) move with every new volume entry, once."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.network import factories
from tuishou.incentives.models import VolumeEntry
from tuishou.incentives.services import volume_record
from tuishou.network.models import Promoter

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 3, 9, tzinfo=UTC)


def test_a_sale_and_its_refund_move_personal_volume_once_each():
    promoter = factories.root()
    volume_record(promoter=promoter, base=Decimal("88.50"), self_purchase=False, occurred_at=AT,
                  source_ref="order:1:paid")
    volume_record(promoter=promoter, base=Decimal("11.25"), self_purchase=True, occurred_at=AT,
                  source_ref="order:2:paid")
    volume_record(promoter=promoter, base=Decimal("88.50"), self_purchase=False, occurred_at=AT,
                  source_ref="order:1:paid")  # a replay: no second entry, no second move
    assert Promoter.objects.get(pk=promoter.pk).personal_volume == Decimal("99.75")
    volume_record(promoter=promoter, base=Decimal("-11.25"), self_purchase=True, occurred_at=AT,
                  source_ref="order:2:refund", orders=-1)
    assert Promoter.objects.get(pk=promoter.pk).personal_volume == Decimal("88.50")
    assert VolumeEntry.objects.filter(promoter=promoter).count() == 3
