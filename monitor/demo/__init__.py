"""The end-to-end demo: sample registry, a fictional Pilkada, a week of acts replayed in real wire formats.

``run.run_demo`` runs it; ``replay`` serves the week; ``data/`` holds the sample files (package data).
"""

from importlib.resources import files
from pathlib import Path

DEMO_DATA = Path(str(files(__name__) / "data"))
