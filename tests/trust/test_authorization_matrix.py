"""The authorization matrix, generated from the OpenAPI document (issue 12, "Checks that keep it so").

Every operation declares who may call it (``x-roles``, see ``tuishou.core.api_roles``). This test calls every
operation as anonymous, a consumer, a promoter, a merchant's owner and staff, an agency's staff and each operator
role, on their own resources (side A) and — for the scoped roles — on another's (side B), and proves:

- a declared role gets past authorization: not 401 or 403, and not 404 on a resource that exists;
- an undeclared role is refused: 401, 403, or 404 (a resource the caller may not know of);
- a scoped role (consumer, promoter, merchant, agency) is refused on another's resource, unless the operation is
  public (``anonymous``);
- an operation without a declaration fails the test;
- and, so that it cannot pass by refusing everything, a sizeable number of declared calls really succeed (2xx).

Bodies are valid for the request schema (built from it, with the world's ids), so that a refusal comes from the
authorization and not from validation; a validation answer (400/422) counts as "past authorization" only for a
declared role. Each call runs in a savepoint rolled back afterwards: the world stays as built.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from tests.trust.authorization_world import BUYERS, CALLERS, MISSING, image, soon, today, world_build
from tuishou.api import api
from tuishou.core import api_roles

pytestmark = pytest.mark.django_db

REFUSED = {401, 403, 404}
# Two request schemas share the name ``ItemIn`` (a store item's and an inspection checklist's), so the document
# describes one of these bodies wrongly (issue 12 item 14, the schema renames); until then the field is added here.
UNDOCUMENTED_FIELDS = {("post", "/api/v1/stores/me/items"): ("product_id",)}
PARAM = re.compile(r"{([a-z_]+)}")


def _operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation, schema["components"]["schemas"]


def test_every_operation_declares_who_may_call_it():
    missing, unknown = [], []
    for method, path, operation, _ in _operations():
        declared = operation.get(api_roles.EXTENSION)
        if not declared:
            missing.append(f"{method.upper()} {path}")
        unknown += [f"{method.upper()} {path}: {r}" for r in declared or () if r not in api_roles.ROLES]
    assert not missing, "operations without openapi_extra=allowed(...):\n" + "\n".join(missing)
    assert not unknown


def test_operator_roles_are_the_ones_the_accounts_model_knows():
    from tuishou.accounts.models import OperatorRole

    assert set(api_roles.OPERATORS) == {r.value for r in OperatorRole.Role}


def test_a_declaration_names_known_roles_and_gives_admin_every_operator_route():
    assert api_roles.allowed("finance") == {"x-roles": ["finance", "admin"]}
    assert api_roles.allowed("promoter") == {"x-roles": ["promoter"]}
    with pytest.raises(ValueError):
        api_roles.allowed("superhero")
    with pytest.raises(ValueError):
        api_roles.allowed()


def _allowed(declared: list[str]) -> tuple[set[str], set[str]]:
    """Who may call, and who may call on anybody's resource (not only their own)."""
    if api_roles.ANONYMOUS in declared:
        return set(CALLERS), set(CALLERS)
    callers = {r for r in declared if r in CALLERS}
    if api_roles.CONSUMER in declared:
        callers |= set(BUYERS)
    if api_roles.MERCHANT_STAFF in declared:
        callers.add(api_roles.MERCHANT_OWNER)
    return callers, {r for r in declared if r in api_roles.OPERATORS}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


NAMED = {"phone": "13800001111", "login": "13800001111", "password": "Matrix-pass-2026", "reason": "矩阵测试",
         "decision": "矩阵测试", "answer": "矩阵测试", "note": "矩阵测试", "title": "矩阵标题", "name": "矩阵",
         "carrier": "SF", "credit_code": None, "role": None, "tracking_number": "SF1234567890", "amount": "1.00",
         "price": "20.00", "fee_rate": "0.0600",
         "base": "100.00", "reward": "1.00", "pool": "10.00", "cap_share": "0.5000", "supply_price": "5.00",
         "commission_rate": "0.1000", "return_url": "http://testserver/done", "idempotency_key": None,
         "kind": "refund_only", "target": "product", "channel": "wechat", "verdict": "pass",
         "jurisdiction": "us", "template": "shop", "rank": "member", "connector": "sandbox",
         "code": "MATRIXNEW", "head_phone": "13800002222", "spec_name": "500g", "text": "矩阵素材",
         "board": "sales", "account_name": "矩阵", "account_number": "6222020200112233445", "bank_name": "工商银行",
         "business_name": "矩阵商行", "legal_representative": "王山", "contact_name": "王山",
         "contact_phone": "13800003333", "province": "浙江省", "city": "杭州市", "district": "西湖区",
         "detail": "文三路 1 号", "label": "检查包装", "category": "", "source": None, "invite_code": None,
         "share_code": None}


def _sample(schema: dict, name: str, components: dict, ids):
    schema = _resolve(schema, components)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o, components).get("type") != "null"]
            return _sample(options[0], name, components, ids) if options else None
    if "allOf" in schema:
        return _sample(schema["allOf"][0], name, components, ids)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", ()))
        return {k: _sample(v, k, components, ids) for k, v in schema.get("properties", {}).items()
                if k in required or k in NAMED or k.endswith("_id") or k.endswith("_ids")}
    if kind == "array":
        inner = _sample(schema.get("items", {}), name.removesuffix("s").removesuffix("_id") + "_id"
                        if name.endswith("_ids") else name, components, ids)
        return [inner]
    if kind == "boolean":
        return schema.get("default", True)
    if kind in ("integer", "number"):
        if name.endswith("_id"):
            return ids(name)
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return max(1, low) if kind == "integer" else float(max(1, low))
    if schema.get("format") == "date":
        return today().isoformat()
    if schema.get("format") == "date-time":
        return soon()
    if name in ("invite_code", "share_code", "role", "credit_code", "source"):
        return ids(name)
    if name == "idempotency_key":
        return "matrix-key-0001"
    if NAMED.get(name) is not None:
        return NAMED[name]
    if "default" in schema:
        return schema["default"]
    return "x" * max(1, schema.get("minLength", 1))


def _request(world, method, path, operation, components, side, role):
    names = PARAM.findall(path)
    values = {n: world.path_value(n, path, side, role) for n in names}
    url = PARAM.sub(lambda m: str(values[m.group(1)]), path)

    missing = MISSING in values.values()

    def ids(name):
        nonlocal missing
        value = world.path_value(name, path, side, role)
        missing = missing or value == MISSING
        return value

    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and (parameter.get("required") or parameter["name"].endswith("_id")):
            query[parameter["name"]] = _sample(parameter.get("schema", {}), parameter["name"], components, ids)
    kwargs = {}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = _sample(content["application/json"]["schema"], "body", components, ids)
        for name in UNDOCUMENTED_FIELDS.get((method, path), ()):
            body[name] = ids(name)
        kwargs = {"data": body, "content_type": "application/json"}
    elif "multipart/form-data" in content:
        form = _resolve(content["multipart/form-data"]["schema"], components)
        data = {}
        for key, prop in form.get("properties", {}).items():
            prop = _resolve(prop, components)
            if prop.get("format") == "binary" or _resolve(prop.get("items", {}), components).get("format") == "binary":
                data[key] = SimpleUploadedFile("rows.csv", b"id,title\n1,x\n") if key == "file" else image()
            elif key in form.get("required", ()) or key in NAMED:
                data[key] = _sample(prop, key, components, ids)
        kwargs = {"data": data}
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
    return url, kwargs, missing


def _call(client, world, method, url, kwargs, role) -> int:
    cache.clear()
    with transaction.atomic():
        answer = getattr(client, method)(url, **kwargs, **world.header(role))
        transaction.set_rollback(True)
    return answer.status_code


def test_only_the_declared_roles_get_through(after_commit):
    with after_commit():
        world = world_build(after_commit)
    client = Client(raise_request_exception=False)
    failures, succeeded, outcomes = [], Counter(), Counter()
    for method, path, operation, components in _operations():
        declared = operation.get(api_roles.EXTENSION) or []
        callers, anybody = _allowed(declared)
        for side in ("A", "B"):
            # Another's resource: only the scoped roles that may call at all (an undeclared one was refused on its own).
            for role in CALLERS if side == "A" else [r for r in CALLERS if r in api_roles.SCOPED and r in callers]:
                url, kwargs, missing = _request(world, method, path, operation, components, side, role)
                if side == "B":
                    same, _, _ = _request(world, method, path, operation, components, "A", role)
                    if same.split("?")[0] == url.split("?")[0]:  # no path parameter names another's resource
                        continue
                status = _call(client, world, method, url, kwargs, role)
                may = role in callers and (side == "A" or role in anybody)
                outcomes[(may, status // 100)] += 1
                line = f"{method.upper()} {path} as {role} ({side}, {url}): {status}"
                if status >= 500:
                    failures.append(line + " — a server error")
                elif may and (status in (401, 403) or (status == 404 and not missing)):
                    failures.append(line + f" — declared {declared}, refused")
                elif not may and status not in REFUSED:
                    failures.append(line + f" — declared {declared}, got through")
                if may and 200 <= status < 300:
                    succeeded[role] += 1
    assert not failures, f"{len(failures)} calls disagree with the declarations:\n" + "\n".join(failures)
    assert sum(succeeded.values()) >= 400, (succeeded, outcomes)
    assert all(succeeded[role] >= 5 for role in CALLERS), succeeded
