"""The start-up bench runs from a clean clone: one round of every process it compares."""

import pytest

from tests.bench_modules import bench


def test_one_round_prints_every_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench("startup").main(["--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "start-up to home: kiosk" in out and "peak memory:" in out
    assert out.count("floor, bare app + pydantic-settings") == 2
