"""An operator's own decision on the 验货 badge holds against the inspection rule: a badge withdrawn by hand is not
given back by accepted passes, a badge granted by hand is not taken by a failing report, until an operator releases
the badge to the rule, which then decides at once. Each decision and release is audited."""

from __future__ import annotations

import pytest

from tests.community import inspection_factories as f
from tuishou.catalog.models import Product
from tuishou.catalog.review import product_inspected_release, product_inspected_set
from tuishou.community import inspections as svc
from tuishou.core.errors import PermissionDenied
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _badge(w) -> tuple[bool, bool | None]:
    product = Product.objects.get(pk=w["product"].pk)
    return product.inspected, product.inspected_by_operator


def _three_accepted_passes(w):
    for inspector in w["inspectors"][:3]:
        report = f.file(w, inspector)
        svc.inspection_report_decide(actor=w["ops"], report_id=report.pk, accept=True)


def test_a_badge_withdrawn_by_hand_is_not_given_back_by_the_rule_until_released(w):
    product_inspected_set(actor=w["ops"], product_id=w["product"].pk, inspected=False, reason="商家投诉待核实")
    _three_accepted_passes(w)
    assert _badge(w) == (False, False)
    audit = AuditEntry.objects.filter(action="community.inspection_accepted").order_by("id").last()
    assert audit.data["inspected"] is False
    released = product_inspected_release(actor=w["ops"], product_id=w["product"].pk, reason="核实无误")
    assert (released.inspected, released.inspected_by_operator) == (True, None)
    entry = AuditEntry.objects.get(action="catalog.inspected_released")
    assert (entry.reason, entry.data) == ("核实无误", {"was_set_to": False, "inspected": True})


def test_a_badge_granted_by_hand_is_not_taken_by_a_failing_report_until_released(w):
    product_inspected_set(actor=w["ops"], product_id=w["product"].pk, inspected=True)
    assert AuditEntry.objects.get(action="catalog.inspected_set").data == {"inspected": True, "by_operator": True}
    f.file(w, w["inspectors"][0], verdict="fail", reasons="封口漏气")
    assert _badge(w) == (True, True)
    product_inspected_release(actor=w["ops"], product_id=w["product"].pk)
    assert _badge(w) == (False, None)  # the rule: a failing report waits for review


def test_only_ops_release_a_badge_and_a_refused_release_changes_nothing(w):
    product_inspected_set(actor=w["ops"], product_id=w["product"].pk, inspected=False)
    with pytest.raises(PermissionDenied):
        product_inspected_release(actor=w["member"].user, product_id=w["product"].pk)
    assert _badge(w) == (False, False)
    assert not AuditEntry.objects.filter(action="catalog.inspected_released").exists()
