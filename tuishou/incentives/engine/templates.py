"""The plan templates (方案模板) shipped with the product, in ``templates/*.yaml``.

Each passes, with no error finding, the compliance profile its ``jurisdiction`` declares:
single-level CPS (cn-strict), two-level distribution (cn), rank differential with peer bonus (us),
team-volume performance bonus (us).
"""

from __future__ import annotations

from importlib import resources

from tuishou.incentives.engine.plan import Plan, load_plan

_FOLDER = "templates"


def _folder():  # type: ignore[no-untyped-def]
    return resources.files("tuishou.incentives.engine").joinpath(_FOLDER)


def list_templates() -> list[str]:
    """Names of the shipped templates, sorted (e.g. ``single-level-cps``)."""
    return sorted(
        entry.name.removesuffix(".yaml") for entry in _folder().iterdir() if entry.name.endswith(".yaml")
    )


def template_text(name: str) -> str:
    """The YAML text of a shipped template (for copying into a new plan)."""
    if name not in list_templates():
        raise KeyError(f"unknown plan template {name!r} (templates: {', '.join(list_templates())})")
    return _folder().joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_template(name: str) -> Plan:
    """The shipped template `name` as a validated plan. Raises KeyError for an unknown name."""
    return load_plan(template_text(name))
