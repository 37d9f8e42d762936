"""The operator desk shows each operator role exactly the pages it may open: every link in its navigation
answers 200 for it, and every desk page left out of its navigation refuses it (403 or 404)."""

import pytest

from tuishou.accounts.context import OPERATOR_DESK
from tuishou.accounts.models import OperatorRole
from tuishou.accounts.services import operator_role_grant, user_create

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in OperatorRole.Role]


def _desk_nav_urls(client) -> list[str]:
    response = client.get("/ops/")
    assert response.status_code == 200
    return [item.url for item in response.context["desk_nav"]]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_the_pages_it_may_open(client, role):
    user = user_create(phone=f"1390000{ROLES.index(role):04d}", password="pw-long-enough-1")
    operator_role_grant(actor=None, user=user, role=role)
    client.force_login(user)
    shown = _desk_nav_urls(client)
    answers = {item.url: client.get(item.url).status_code for item in OPERATOR_DESK}
    assert {url for url in shown if answers[url] != 200} == set()
    assert {url: code for url, code in answers.items() if url not in shown and code not in (403, 404)} == {}
    if role == OperatorRole.Role.ADMIN:
        assert shown == [item.url for item in OPERATOR_DESK]
