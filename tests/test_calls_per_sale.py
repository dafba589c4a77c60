"""A warm sale costs exactly two API calls (validate, purchase), for every family."""

from pathlib import Path

from tests.bench_modules import bench


async def test_every_example_sale_makes_two_calls_when_the_catalog_is_warm(tmp_path: Path) -> None:
    rows = await bench("calls").measure(tmp_path)
    assert len(rows) >= 10
    for name, cold, warm, paths in rows:
        assert warm == 2, name
        assert [p.rsplit("/", 1)[-1] for p in paths] == ["purchase", "validate"], name
        assert cold > warm, name
