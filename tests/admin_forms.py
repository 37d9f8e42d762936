"""Post a back-office change form as a person would: what the page shows, with some fields changed."""

from __future__ import annotations

from django.forms import MultiWidget


def _put(data: dict, bound) -> None:
    value = bound.value()
    widget = bound.field.widget
    if isinstance(widget, MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        for i, part in enumerate(parts):
            data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
    elif isinstance(value, bool):
        if value:
            data[bound.html_name] = "on"
    elif isinstance(value, list | tuple):
        data[bound.html_name] = [str(v) for v in value]
    else:
        data[bound.html_name] = "" if value is None else str(value)


def form_data(page) -> dict:
    """The POST data of an admin add/change page (the main form and every inline with its management form)."""
    data: dict = {}
    for bound in page.context["adminform"].form:
        _put(data, bound)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            _put(data, bound)
        for form in formset.initial_forms:
            for bound in form:
                _put(data, bound)
    return data


def inline_row(data: dict, prefix: str, **fields) -> dict:
    """Add a new row to the inline ``prefix`` of ``data`` (bumping its TOTAL_FORMS)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = str(value)
    return data
