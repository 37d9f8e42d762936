"""Spies for tests: record what a function answered while the code under test calls it."""

from __future__ import annotations

from typing import Any


def answers_recorded(monkeypatch, owner: Any, name: str) -> list:
    """Replace ``owner.name`` (a module's function, looked up there at call time) by a spy that calls it and
    records its answer; the list of answers, in call order (the fast paths answer None when they leave the work
    to the services)."""
    answers: list = []
    real = getattr(owner, name)

    def spy(**kwargs):
        answers.append(real(**kwargs))
        return answers[-1]

    monkeypatch.setattr(owner, name, spy)
    return answers
