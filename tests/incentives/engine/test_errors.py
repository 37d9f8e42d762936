"""The engine's errors are the platform's `InvalidInput`s, with stable codes and human messages."""

from __future__ import annotations

import pickle
from decimal import Decimal

import numpy as np
import pytest

from tuishou.core.errors import DomainError, InvalidInput
from tuishou.incentives.engine import (
    BatchEngineError,
    EngineErrorCode,
    InputError,
    PlanError,
    load_plan,
    period_payouts,
)
from tuishou.incentives.engine.batch import compile_batch, price_orders

PLAN = {"id": "p", "ranks": [{"id": "member"}], "rules": [{"type": "direct", "rate": "0.10"}]}


def test_an_invalid_plan_is_invalid_input_coded_plan_invalid_and_naming_the_field():
    # when a plan has an unknown rank in a rate
    with pytest.raises(InvalidInput) as caught:
        load_plan({**PLAN, "rules": [{"type": "direct", "rate": {"boss": "0.1"}}]})
    # then it is a PlanError with the stable code, the field in the details, and the same text as before
    error = caught.value
    assert isinstance(error, PlanError)
    assert error.code == "incentives.plan_invalid" == EngineErrorCode.PLAN_INVALID
    assert error.status == 400
    assert error.field == "rules[0].rate.boss"
    assert error.message == "unknown rank 'boss' (ranks: member)"
    assert str(error) == "rules[0].rate.boss: unknown rank 'boss' (ranks: member)"
    assert error.as_dict() == {"code": "incentives.plan_invalid", "message": "unknown rank 'boss' (ranks: member)",
                               "details": {"field": "rules[0].rate.boss"}}


def test_bad_period_input_is_invalid_input_coded_input_invalid_and_naming_the_record():
    with pytest.raises(InputError) as caught:
        period_payouts(load_plan({**PLAN, "rules": [{"type": "pool", "share": "0.1"}]}), period="2026-10",
                       sponsors={"r": None}, ranks={}, personal_volume={"x": Decimal(1)})
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert (error.code, error.record, error.details) == (
        "incentives.input_invalid", 'personal_volume "x"', {"record": 'personal_volume "x"'})
    assert str(error) == 'personal_volume "x": is not a promoter of the network'


def test_arrays_the_batch_engine_cannot_price_are_invalid_input_coded_batch_input_invalid():
    batch = compile_batch(load_plan(PLAN))
    with pytest.raises(BatchEngineError) as caught:
        price_orders(batch, parent=np.array([-1]), rank=np.array([0]), promoter=np.array([0]),
                     base=np.array([-5]), self_purchase=np.array([False]))
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.code == "incentives.batch_input_invalid"
    assert str(caught.value) == caught.value.message == "a commission base is negative"


def test_every_engine_code_is_a_dotted_incentives_code_with_a_message():
    codes = list(EngineErrorCode)
    assert [str(c) for c in codes] == ["incentives.plan_invalid", "incentives.input_invalid",
                                       "incentives.batch_input_invalid"]
    for code in codes:
        assert code.summary.endswith(".") and len(code.summary) > 20 and code.template == "{problem}"


@pytest.mark.parametrize("error", [PlanError("rules[0].rate", "bad"), PlanError(None, "unreadable"),
                                   InputError('orders[0] (id "o1")', "unknown promoter 'x'"),
                                   BatchEngineError("a rank index is outside the plan's ranks")])
def test_engine_errors_survive_pickling_with_their_text_and_code(error: DomainError):
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.code, copy.message, copy.details) == (
        type(error), str(error), error.code, error.message, error.details)
