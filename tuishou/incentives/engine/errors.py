"""Exceptions of the pure incentive engine (利益机制引擎).

The engine imports no Django: the platform maps these to its own `DomainError`s, and the
command line turns them into exit code 2 with a one-line message.
"""

from __future__ import annotations


class PlanError(Exception):
    """A plan document that cannot be read or is invalid.

    `field` is the path of the offending field (``rules[2].rates.partner``), or ``None`` when the
    document as a whole is unreadable; `message` says what is wrong with it.
    """

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class InputError(Exception):
    """Bad input to the engine or the command line (network, orders, options).

    `record` names the offending record (``orders[3] (id "o4")``), or ``None`` for an option.
    """

    def __init__(self, record: str | None, message: str) -> None:
        self.record = record
        self.message = message
        super().__init__(f"{record}: {message}" if record else message)
