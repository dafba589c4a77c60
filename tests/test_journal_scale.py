"""The back office's hot queries use an index (the million-row figures: bench/journal_scale.py)."""

from pathlib import Path

from kiosk.journal import Journal
from tests.bench_modules import bench


def test_hot_queries_never_scan_the_table(tmp_path: Path) -> None:
    scale = bench("journal_scale")
    path = tmp_path / "journal.sqlite3"
    scale.generate(path, 3000)
    plans = scale.plans(path)
    assert set(plans) == {"page", "day", "unresolved", "by id"}
    for name, plan in plans.items():
        assert "SCAN entries" not in plan, (name, plan)
    figures = scale.measure(path)
    assert next(name for name, _, _ in figures) == "first page (50 rows)"
    with Journal(path) as journal:
        assert journal.count() == 3000
        assert len(journal.entries(limit=50)) == 50


def test_the_render_bench_draws_the_journal_page(tmp_path: Path) -> None:
    """The bench asserts the office screen drew a full first page before it stops the clock."""
    scale = bench("journal_scale")
    path = tmp_path / "journal.sqlite3"
    scale.generate(path, 300)
    assert scale.screen_render(path, repeat=1) > 0
