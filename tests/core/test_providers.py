"""Providers by name: the built-in one imported on first use, a registered adapter, the default from a setting."""

import pytest

from tuishou.core.errors import NotFound
from tuishou.core.providers import ProviderRegistry
from tuishou.payments.errors import PaymentError


class Adapter:
    name = "adapter"


def _registry():
    return ProviderRegistry(kind="payment gateway", setting="TUISHOU_PAYMENT_GATEWAY",
                            unknown_code=PaymentError.GATEWAY_UNKNOWN,
                            builtin={"sandbox": "tuishou.payments.sandbox.SandboxGateway"})


def test_a_built_in_provider_is_imported_by_its_path_and_made_anew_each_time():
    registry = _registry()
    first, second = registry.get("sandbox"), registry.get("sandbox")
    assert (type(first).__name__, first.name, first is second) == ("SandboxGateway", "sandbox", False)


def test_without_a_name_the_setting_chooses_and_a_registered_adapter_is_found(settings):
    registry = _registry()
    registry.register("adapter", Adapter)
    settings.TUISHOU_PAYMENT_GATEWAY = "adapter"
    assert isinstance(registry.get(), Adapter)


def test_an_unknown_name_is_not_found_with_the_registrys_code():
    with pytest.raises(NotFound) as err:
        _registry().get("nowhere")
    assert (err.value.code, err.value.message) == ("payments.gateway_unknown",
                                                   "There is no payment gateway called 'nowhere'.")
