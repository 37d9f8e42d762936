import pytest

from tests.payments import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(payable, after_commit):
    from tuishou.payments.services import refund_request

    payment = f.paid(after_commit, ref="G1")
    with after_commit():
        refund_request(payment=payment, amount="1.00", reason="差价", idempotency_key="r1")
    f.payment(ref="G2")
    return payment


@pytest.mark.parametrize("url", [
    "/admin/payments/payment/", "/admin/payments/payment/?status__exact=succeeded&gateway=sandbox",
    "/admin/payments/payment/?q=G1", "/admin/payments/refund/", "/admin/payments/paymentevent/",
    "/admin/payments/paymentevent/?outcome__exact=processed", "/admin/payments/sandboxcallback/",
])
def test_changelists_render_for_an_operator(admin_client, books, url):
    assert admin_client.get(url).status_code == 200


def test_search_finds_a_payment_by_transaction_id(admin_client, books):
    response = admin_client.get(f"/admin/payments/payment/?q={books.gateway_txn_id}")
    # the changelist's own result list, not the page text (a CSRF token may spell anything)
    assert [row.payable_ref for row in response.context["cl"].result_list] == ["G1"]


def test_payment_page_shows_its_refunds_and_events(admin_client, books):
    page = admin_client.get(f"/admin/payments/payment/{books.pk}/change/").content.decode()
    assert "差价" in page and "payment.succeeded" in page and "refund.succeeded" in page


def test_the_books_are_read_only(admin_client, books):
    assert admin_client.get("/admin/payments/payment/add/").status_code == 403
    assert admin_client.post(f"/admin/payments/payment/{books.pk}/delete/", {"post": "yes"}).status_code == 403
