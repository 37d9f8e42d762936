import pytest

from tests.catalog import factories
from tests.merchants import factories as merchant_factories
from tuishou.catalog.models import Product
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
# The services' own audit entries (the back office adds its admin.* entries of every write beside them).
SERVICE_AUDIT = AuditEntry.objects.exclude(action__startswith="admin.")


@pytest.fixture
def listed():
    shop = merchant_factories.merchant()
    item = factories.on_shelf(merchant=shop)
    factories.product(merchant=shop, status=Product.Status.PENDING_REVIEW, title="待审核")
    return item


@pytest.mark.parametrize("url", [
    "/admin/catalog/product/", "/admin/catalog/product/?status__exact=pending_review",
    "/admin/catalog/product/?stock=low", "/admin/catalog/product/?stock=out&inspected__exact=1",
    "/admin/catalog/product/?q=蜂蜜", "/admin/catalog/sku/", "/admin/catalog/sku/?stock=low",
    "/admin/catalog/productstatuschange/",
])
def test_changelists_render_for_an_operator(admin_client, listed, url):
    assert admin_client.get(url).status_code == 200


def test_product_change_page_renders_with_its_inlines(admin_client, listed):
    resp = admin_client.get(f"/admin/catalog/product/{listed.pk}/change/")
    assert resp.status_code == 200
    assert "500g×2袋" in resp.content.decode()


def test_approve_action_goes_through_the_service(admin_client, listed):
    pending = Product.objects.get(title="待审核")
    factories.sku(product=pending)
    resp = admin_client.post("/admin/catalog/product/", {"action": "approve", "_selected_action": [pending.pk]})
    assert resp.status_code == 302
    assert Product.objects.get(pk=pending.pk).status == "approved"
    assert SERVICE_AUDIT.get().action == "catalog.product_approved"


def test_reject_action_asks_for_a_reason_then_rejects(admin_client, listed):
    pending = Product.objects.get(title="待审核")
    form = admin_client.post("/admin/catalog/product/", {"action": "reject", "_selected_action": [pending.pk]})
    assert form.status_code == 200 and "reason" in form.content.decode()
    done = admin_client.post("/admin/catalog/product/", {"action": "reject", "_selected_action": [pending.pk],
                                                         "apply": "1", "reason": "描述夸大"})
    assert done.status_code == 302
    assert Product.objects.get(pk=pending.pk).reject_reason == "描述夸大"


def test_an_action_that_breaks_a_rule_reports_it_and_changes_nothing(admin_client, listed):
    resp = admin_client.post("/admin/catalog/product/", {"action": "approve", "_selected_action": [listed.pk]},
                             follow=True)
    assert "catalog.transition_invalid" in resp.content.decode()
    assert Product.objects.get(pk=listed.pk).status == "on_shelf"
