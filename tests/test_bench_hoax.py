"""bench/hoax.py still runs with the shipped matcher (a smoke run on tiny sizes; the figures are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_hoax_bench_runs_with_the_shipped_rules_and_reports_the_action_reader() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "hoax.py"), "--claims", "300", "--acts", "120",
                           "--encode-sample", "16", "--scale", "1000"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "3. matching 120 acts against 300 claims" in done.stdout
    assert "the action reader (action.json) read" in done.stdout
    assert "4. numpy search" in done.stdout
