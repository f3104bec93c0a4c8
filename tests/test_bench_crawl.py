"""bench/crawl.py still runs every kind in rounds (a smoke run on tiny sizes; the speeds are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_crawl_bench_runs_every_kind_in_rounds_and_stores_every_act() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "crawl.py"), "--accounts", "6", "--posts", "4",
                           "--repeat", "2", "--platform", "both", "--pg", "off"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith(("bare Scrapy", "parse only",
                                                                                  "SQLite"))]
    assert [r[0] for r in rows] == ["bare", "parse", "SQLite"] * 2  # Bluesky, then X
    for row in rows:
        if row[0] == "SQLite":
            assert row[-5] == "24", row  # stored acts: 6 accounts × 4 posts, each once
        if row[0] == "bare":
            assert row[-3] == "1.00", row  # the baseline is its own ratio in every round
    assert "the median over the rounds" in done.stdout
