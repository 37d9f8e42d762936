"""Outside providers by name (payment gateways 支付网关, payout providers 出款渠道): a registry of factories.

A built-in provider is named by its dotted path, imported on first use, so that registering it imports nothing;
a real provider's adapter registers a factory. Which one is used when none is named is a setting, read at each
call so that a test or a deployment can change it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from django.conf import settings
from django.utils.module_loading import import_string

from tuishou.core.errors import ErrorCode, NotFound

Provider = TypeVar("Provider")


class ProviderRegistry(Generic[Provider]):
    """Providers of one kind by name; the default is ``settings.<setting>``; an unknown name is ``unknown_code``."""

    def __init__(self, *, kind: str, setting: str, unknown_code: ErrorCode, builtin: Mapping[str, str]) -> None:
        self.kind, self.setting, self.unknown_code = kind, setting, unknown_code
        self._factories: dict[str, Callable[[], Provider] | str] = dict(builtin)

    def register(self, name: str, factory: Callable[[], Provider]) -> None:
        """Make a provider available by ``name``."""
        self._factories[name] = factory

    def get(self, name: str | None = None) -> Provider:
        """A new instance of the provider called ``name``, or of the configured default."""
        name = name or getattr(settings, self.setting)
        factory = self._factories.get(name)
        if factory is None:
            raise NotFound(self.unknown_code, name=name)
        if isinstance(factory, str):
            factory = import_string(factory)
        return factory()
