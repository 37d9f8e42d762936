"""The merchant desk's payouts and statements, and finance's withdrawal review, as pages: what they show,
errors beside the field with nothing written, 404 for what is not yours, bounded queries on every list."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext, ngettext

from tests.merchant_money import factories as f
from tuishou.wallets.models import MerchantPayoutAccount, Withdrawal

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shop(after_commit):
    shop = f.merchant()
    f.settled_sale(after_commit, shop)
    f.account_set(shop)
    return shop


def test_payouts_page_shows_the_balances_and_requests_a_withdrawal(client, shop):
    client.force_login(f.owner(shop))
    page = client.get("/merchant/payouts/")
    assert page.status_code == 200
    assert 'data-testid="withdrawable">¥300.00<' in page.content.decode()

    answer = client.post("/merchant/payouts/", {"amount": "120.00", "key": "k1"})
    assert answer.status_code == 302
    assert f.balances(shop)["frozen"] == D("120.00")
    listed = client.get("/merchant/payouts/").content.decode()
    assert "¥120.00" in listed and "¥180.00" in listed


@pytest.mark.parametrize(("amount", "message"), [
    ("300.01", "You have ¥300.00 available; ¥300.01 is more than that."),
    ("50.00", "The least you can withdraw is ¥100.00."),
])
def test_a_refused_withdrawal_shows_the_error_beside_the_amount_and_writes_nothing(client, shop, amount, message,
                                                                                  settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(f.owner(shop))
    before = f.written()
    page = client.post("/merchant/payouts/", {"amount": amount, "key": "k1"}, HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="id_amount_error"' in body and f'value="{amount}"' in body
    assert f.written() == before
    assert message.replace("¥", "") in body.replace("¥", "").replace(",", "")


def test_the_owner_sets_the_account_and_a_bad_number_stays_beside_its_field(client, shop):
    client.force_login(f.owner(shop))
    before = MerchantPayoutAccount.objects.get(merchant=shop).account_number
    page = client.post("/merchant/payouts/account/", {"account_name": "山野优品", "account_number": "12ab",
                                                      "bank": "招商银行"})
    assert page.status_code == 200 and 'id="id_account_number_error"' in page.content.decode()
    assert MerchantPayoutAccount.objects.get(merchant=shop).account_number == before
    good = {"account_name": "山野优品", "account_number": "6222 0000 1111 2222", "bank": "工商银行"}
    assert client.post("/merchant/payouts/account/", good).status_code == 302
    assert MerchantPayoutAccount.objects.get(merchant=shop).account_number == "6222000011112222"


def test_pages_for_someone_who_is_not_staff_are_refused(client, shop):
    client.force_login(f.of.user("路人"))
    for url in ("/merchant/payouts/", "/merchant/statements/", "/merchant/statements/2026-01/"):
        # the portal's one answer to someone who works for no merchant: the page that says so (merchants.portal)
        assert client.get(url).status_code == 403, url
    for url in ("/ops/withdrawals/", "/ops/withdrawals/1/"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/merchant/payouts/?merchant={shop.pk}").status_code == 404  # another's merchant


def test_list_pages_have_bounded_queries(client, shop, after_commit, django_assert_max_num_queries):
    for _ in range(2):
        f.withdraw(shop, "100.00")
    finance = f.finance()
    client.force_login(finance)
    with django_assert_max_num_queries(12):
        page = client.get("/ops/withdrawals/?payee=merchant")
    assert page.status_code == 200 and page.content.decode().count("/ops/withdrawals/") >= 2
    assert page.content.decode().count('<td class="nowrap" data-label="状态">审核中</td>') == 2  # never broken mid-word
    client.force_login(f.owner(shop))
    # the portal's shell: roles, the memberships for the merchant switcher, the session remembering the choice
    with django_assert_max_num_queries(19):
        assert client.get("/merchant/payouts/").status_code == 200
    with django_assert_max_num_queries(17):
        assert client.get("/merchant/statements/").status_code == 200


def test_finance_rejects_with_a_reason_and_cannot_approve_it_afterwards(client, shop):
    withdrawal = f.withdraw(shop, "100.00")
    client.force_login(f.finance())
    empty = client.post(f"/ops/withdrawals/{withdrawal.pk}/", {"decision": "reject", "reason": ""})
    assert empty.status_code == 200 and 'id="id_reason_error"' in empty.content.decode()
    assert "请填写驳回理由，收款人会看到。" in empty.content.decode()
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "requested"
    done = client.post(f"/ops/withdrawals/{withdrawal.pk}/", {"decision": "reject", "reason": "开户行名称有误"})
    assert done.status_code == 302
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "rejected"
    again = client.post(f"/ops/withdrawals/{withdrawal.pk}/", {"decision": "approve"})
    assert again.status_code == 200 and "alert error" in again.content.decode()
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "rejected"
    assert f.balances(shop)["available"] == D("300.00")


def test_csv_exports(client, shop):
    f.withdraw(shop, "100.00")
    client.force_login(f.finance())
    rows = b"".join(client.get("/ops/withdrawals/?export=csv").streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and "100.00" in rows[1]
    client.force_login(f.owner(shop))
    statements = client.get("/merchant/statements/?export=csv").content.decode("utf-8-sig").splitlines()
    assert len(statements) == 13 and statements[1].split(",")[2] == "400.00"


def test_statements_page_lists_months_from_the_first_movement_and_says_how_many_it_left_out(client, shop):
    client.force_login(f.owner(shop))
    page = client.get("/merchant/statements/").content.decode()
    table = page[page.index('data-testid="monthly-statements"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == 2  # the header and this month: the eleven months before it had no movement
    assert f'data-label="{gettext("Sales")}">' in table
    note = page[page.index('data-testid="quiet-months"'):]
    assert note[note.index(">") + 1:note.index("</p>")] == ngettext(
        "The month before your first movement is not shown: nothing happened in it.",
        "The %(n)s months before your first movement are not shown: nothing happened in them.", 11) % {"n": 11}
