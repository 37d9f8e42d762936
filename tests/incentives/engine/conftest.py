"""Helpers for the pure engine's tests: files in tmp_path and the `tuishou plan` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tuishou.incentives.engine.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


class PlanCli:
    """Writes inputs into a temporary folder and runs `tuishou plan …` in-process."""

    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp_path = tmp_path
        self.capsys = capsys

    def write(self, name: str, content: Any) -> str:
        path = self.tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        elif name.endswith((".yaml", ".yml")):
            path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def run(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err

    def payout(self, plan: Any, network: list[dict], orders: list[dict], *extra: str) -> tuple[int, str, str]:
        plan_path = self.write("plan.yaml", plan)
        network_path = self.write("network.json", {"promoters": network})
        orders_path = self.write("orders.json", {"orders": orders})
        return self.run("payout", plan_path, "--network", network_path, "--orders", orders_path, *extra)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> PlanCli:
    return PlanCli(tmp_path, capsys)

