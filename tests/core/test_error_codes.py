"""Error codes are enum members with a message for a person, in English and in Chinese.

The code base is read as source: every raise of a domain error names a member of an app's ``ErrorCode`` enum
and gives exactly the placeholders of that member's template.
"""

import ast
import string
from pathlib import Path

import pytest

from tuishou.core.errors import (
    CoreError,
    DomainError,
    ErrorCode,
    InvalidInput,
    NotFound,
    Phrase,
    error_code,
    error_code_enums,
    gettext_noop,
)
from tuishou.core.i18n import PACKAGE_ROOT, catalog_messages, error_message, po_files

ENUMS = {enum_cls.__name__: enum_cls for enum_cls in error_code_enums()}
MEMBERS = [member for enum_cls in ENUMS.values() for member in enum_cls]
ZH_PO = PACKAGE_ROOT / "core" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Owned by other work (the engine converts its own errors); everything else in tuishou/ is read.
SKIPPED = ("incentives/engine/", "incentives/simulation/")
# Raises whose code is handed in by the caller (a helper shared by apps); their callers name members.
CODE_HANDED_IN = {
    ("core/providers.py", "self.unknown_code"), ("core/signing.py", "codes.CALLBACK_FORGED"),
    ("core/signing.py", "codes.CALLBACK_MALFORMED"), ("core/signing.py", "codes.CALLBACK_STALE"),
    ("merchants/rates.py", "malformed"), ("merchants/rates.py", "out_of_range"),
    ("merchants/services.py", "errors.FIELD_REQUIRED"), ("merchants/services.py", "errors.FIELD_TOO_LONG"),
    ("api.py", "code"), ("core/transitions.py", "code"), ("core/throttle.py", "code"),
    ("community/pictures.py", "invalid"),
}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _error_classes() -> set[str]:
    """Names of the DomainError subclasses built with ``(code, **params)`` (not those with their own arguments)."""
    found, pending = set(), [DomainError]
    while pending:
        cls = pending.pop()
        if cls.__init__ is DomainError.__init__:
            found.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return found


def _raise_sites():
    classes = _error_classes() | {"error"}  # signing raises the error class it is handed
    for path in sorted(PACKAGE_ROOT.glob("**/*.py")):
        relative = path.relative_to(PACKAGE_ROOT).as_posix()
        if relative.startswith(SKIPPED) or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
                yield relative, node


def test_every_raise_names_an_enum_member_and_gives_exactly_its_placeholders():
    problems, sites = [], 0
    for relative, call in _raise_sites():
        sites += 1
        where = f"{relative}:{call.lineno}"
        code = ast.unparse(call.args[0]) if call.args else None
        if len(call.args) != 1:
            problems.append(f"{where}: give the code alone as the one positional argument")
            continue
        if (relative, code) in CODE_HANDED_IN:
            continue
        enum_name, _, member_name = code.partition(".")
        member = getattr(ENUMS.get(enum_name), member_name, None)
        if not isinstance(member, ErrorCode):
            problems.append(f"{where}: {code} is not a member of an error-code enum")
            continue
        given = {k.arg for k in call.keywords if k.arg not in ("details", None)}
        if given != _placeholders(member.template):
            problems.append(f"{where}: {code} takes {sorted(_placeholders(member.template))}, given {sorted(given)}")
    assert problems == []
    assert sites > 250  # the scan found the code base's raises


def test_codes_are_unique_and_each_has_a_message_with_named_placeholders():
    values = [str(member) for member in MEMBERS]
    assert len(values) == len(set(values))
    for member in MEMBERS:
        assert member.template.strip(), member
        assert all(name.isidentifier() for name in _placeholders(member.template)), member


@pytest.mark.parametrize("app", ["catalog", "incentives", "merchants", "network", "orders", "payments", "settlement",
                                 "wallets"])
def test_every_app_with_status_fields_has_its_transition_code(app):
    enum_cls = next(e for e in ENUMS.values() if e.__module__ == f"tuishou.{app}.errors")
    assert f"{app}.transition_invalid" == enum_cls.TRANSITION_INVALID
    assert error_code(f"{app}.transition_invalid") is enum_cls.TRANSITION_INVALID


def test_a_member_is_its_code_and_the_error_formats_its_english_message():
    error = InvalidInput(CoreError.MONEY_NEGATIVE, field="price", details={"field": "price"})
    assert (error.code, error.message, error.as_dict()) == ("money.negative", "price: must not be negative.", {
        "code": "money.negative", "message": "price: must not be negative.", "details": {"field": "price"}})
    assert (error.template, error.params) == ("{field}: must not be negative.", {"field": "price"})


def test_a_plain_string_is_no_code():
    with pytest.raises(TypeError):
        NotFound("not_found")
    with pytest.raises(LookupError):
        error_code("orders.no_such_code")


def test_a_forgotten_placeholder_shows_its_name_instead_of_failing():
    assert NotFound(CoreError.MONEY_NEGATIVE).message == "{field}: must not be negative."


def _marked_texts() -> set[str]:
    """Every literal marked with ``gettext_noop`` (imported as ``_``) in the code base's pure modules."""
    texts = set()
    for path in sorted(PACKAGE_ROOT.glob("**/*.py")):
        source = path.read_text()
        if "gettext_noop as _" not in source and "_ = gettext_noop" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and isinstance(node.args[0], ast.Constant)):
                texts.add(node.args[0].value)
    return texts


def test_the_chinese_catalog_translates_every_message_with_the_same_placeholders():
    chinese = catalog_messages(ZH_PO)
    marked = _marked_texts()
    assert {member.template for member in MEMBERS} <= marked
    missing = sorted(text for text in marked if text not in chinese)
    assert missing == []
    for text in marked:
        assert _placeholders(chinese[text]) == _placeholders(text), text


def test_the_chinese_catalog_names_only_codes_that_exist():
    """Each entry of the errors' catalog names the codes it translates (``#. catalog.image_invalid``): a code
    removed from its enum takes its translation with it (the 爆品 price's codes once stayed behind)."""
    codes = {str(member) for member in MEMBERS}
    named = set()
    for line in ZH_PO.read_text().splitlines():
        if line.startswith("#. "):
            named |= {code.strip() for code in line[3:].split(",") if code.strip()}
    assert sorted(named - codes) == []


@pytest.mark.parametrize("po", po_files(), ids=lambda path: path.relative_to(PACKAGE_ROOT).as_posix())
def test_every_compiled_catalog_is_current_with_its_source(po: Path):
    assert catalog_messages(po.with_suffix(".mo")) == catalog_messages(po)


def test_an_error_renders_in_the_language_asked_for_its_phrases_too():
    error = InvalidInput(CoreError.MONEY_NEGATIVE, field="amount")
    assert (error_message(error, "zh-hans"), error_message(error, "en")) == ("amount：不能为负数。",
                                                                             "amount: must not be negative.")
    phrase = InvalidInput(ENUMS["WalletError"].PAYEE_INVALID,
                          problem=Phrase(gettext_noop("a bank card number has 12 to 19 digits")))
    assert error_message(phrase, "zh-hans") == "银行卡号为 12 到 19 位数字"


# ---- the API ------------------------------------------------------------------------------------------------

WRONG_LOGIN = {"login": "13800000000", "password": "not-the-password"}


@pytest.mark.django_db
def test_the_api_answers_in_english_when_the_request_names_no_language(client):
    resp = client.post("/api/v1/auth/tokens", WRONG_LOGIN, content_type="application/json")
    assert (resp.status_code, resp.json()) == (401, {"code": "auth.invalid_login",
                                                     "message": "Wrong phone/username or password."})


@pytest.mark.django_db
def test_the_api_answers_in_chinese_when_accept_language_asks_for_it(client):
    resp = client.post("/api/v1/auth/tokens", WRONG_LOGIN, content_type="application/json",
                       headers={"Accept-Language": "zh-hans"})
    assert (resp.status_code, resp.json()) == (401, {"code": "auth.invalid_login",
                                                     "message": "手机号/用户名或密码错误。"})


@pytest.mark.django_db
def test_the_language_cookie_wins_and_an_unknown_language_falls_back_to_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.post("/api/v1/auth/tokens", WRONG_LOGIN, content_type="application/json",
                          headers={"Accept-Language": "en"})
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    french = client.post("/api/v1/auth/tokens", WRONG_LOGIN, content_type="application/json",
                         headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert (chinese.json()["message"], french.json()["message"]) == ("手机号/用户名或密码错误。",
                                                                     "Wrong phone/username or password.")


@pytest.mark.django_db
def test_a_request_error_of_the_framework_is_translated_too(client):
    resp = client.get("/api/v1/network/me", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert (resp.status_code, resp.json()) == (401, {"code": "auth.required",
                                                     "message": "请先登录，或提供有效的 API 令牌。"})


@pytest.mark.django_db
def test_the_openapi_document_lists_every_code_and_the_error_shape(client):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert schemas["ErrorCode"]["enum"] == sorted(str(member) for member in MEMBERS)
    assert schemas["Error"]["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCode"}
    assert doc["paths"]["/api/v1/auth/tokens"]["post"]["responses"]["401"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


# ---- the pages ----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_page_shows_a_services_error_in_the_pages_language(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="buyer", password="pw-12345678"))
    chinese = client.get("/checkout/?sku=99999")
    english = client.get("/checkout/?sku=99999", headers={"Accept-Language": "en"})
    assert "商品 99999 暂不可售。" in chinese.content.decode()
    assert "Item 99999 is not for sale." in english.content.decode()
