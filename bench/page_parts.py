"""Where a page's time goes (benchmarks only): the queries its view sends, the queries its template triggers
(context processors' lazy reads), the template's rendering, and the rest of the request."""

from __future__ import annotations

import statistics
import time


def _render_flag():
    """Wrap Django's template rendering to flag the statements a template triggers (the context processors' lazy
    reads) and to time the rendering; returns (state, undo)."""
    from django.template.backends.django import Template

    state = {"rendering": False, "render_ms": 0.0}
    original = Template.render

    def render(self, *args, **kwargs):
        state["rendering"] = True
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            state["render_ms"] += (time.perf_counter() - start) * 1000
            state["rendering"] = False

    Template.render = render

    def undo():
        Template.render = original

    return state, undo


def breakdown_statements(run) -> list[tuple[str, list, bool]]:
    """The statements one run of ``run`` sends: (sql, params, sent while a template rendered)."""
    from django.db import connection

    state, undo = _render_flag()
    seen = []

    def capture(execute, sql_text, params, many, context):
        seen.append((sql_text, list(params or []), state["rendering"]))
        return execute(sql_text, params, many, context)

    try:
        with connection.execute_wrapper(capture):
            run()
    finally:
        undo()
    return seen


def page_breakdown(run, repeat: int) -> dict[str, float]:
    """Medians over ``repeat`` runs: the whole request, the view's queries (session, user, promoter, the ranking,
    the images), the template's rendering with the lazy queries it triggers (context processors: roles, unread
    badge) and without them, and the rest (middleware, request cycle, the view's Python)."""
    from django.db import connection

    state, undo = _render_flag()
    current = {"view": 0.0, "render": 0.0, "n": 0}

    def timing(execute, sql_text, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            current["render" if state["rendering"] else "view"] += (time.perf_counter() - start) * 1000
            current["n"] += 1

    parts: dict[str, list[float]] = {}
    try:
        with connection.execute_wrapper(timing):
            run()
            for _ in range(repeat):
                current.update(view=0.0, render=0.0, n=0)
                state["render_ms"] = 0.0
                start = time.perf_counter()
                run()
                total = (time.perf_counter() - start) * 1000
                for name, ms in {
                    "whole request": total,
                    "queries outside the template (session, user, promoter, ranking, images)": current["view"],
                    "queries inside the template (context processors: roles, unread badge)": current["render"],
                    "template rendering without its queries": state["render_ms"] - current["render"],
                    "the rest (middleware, request cycle, view and selector Python)":
                        total - current["view"] - state["render_ms"],
                }.items():
                    parts.setdefault(name, []).append(ms)
    finally:
        undo()
    return {name: statistics.median(values) for name, values in parts.items()}
