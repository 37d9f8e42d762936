"""Model fields shared by every app."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from tuishou.core.errors import InvalidInput
from tuishou.core.money import from_minor, to_minor


class MoneyField(models.BigIntegerField):
    """An amount: ``Decimal`` in Python, integer minor units (分) in the database.

    Why not ``DecimalField``: SQLite sums decimals as floats, so ``Sum()`` over a DecimalField is not
    exact there. Integers sum exactly on both databases, and ``Sum``/``Min``/``Max`` over this field
    come back as ``Decimal`` through ``from_db_value``.
    """

    description = "Money amount kept as integer minor units"

    def from_db_value(self, value, expression, connection):
        return None if value is None else from_minor(value)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return Decimal(str(value))
        except Exception as exc:
            raise ValidationError(f"{value!r} is not an amount") from exc

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must not be a float")
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if isinstance(value, Decimal):
            try:
                return to_minor(value)
            except InvalidInput as exc:
                raise ValidationError(exc.message) from exc
        # Expressions (F(), Value) pass through untouched.
        return super().get_prep_value(value)

    def formfield(self, **kwargs):
        from django import forms

        return forms.DecimalField(max_digits=18, decimal_places=2, **kwargs)
