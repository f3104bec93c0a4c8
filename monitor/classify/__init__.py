"""Classification in the service: stored acts → classifier (text, then photo gestures) → review queue.

``pipeline`` classifies what was collected and queues the flags (the scheduler, the demo, the
workers and the self-audit all use it); ``photos`` re-scores acts with images by their hand
gestures; ``worker`` runs the pipeline in a polling loop for scale-out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.infer import Classifier
    from monitor.config import Settings


def load_configured_classifier(model_dir: Path | None = None, *, quantize: bool = False, threads: int | None = None,
                               settings: Settings | None = None, precision: str | None = None) -> Classifier:
    """The classifier the settings name (``model_dir``, ``classify_threads``, ``classify_batch_size``,
    ``classify_precision``).

    An explicit ``model_dir``, ``threads`` or ``precision`` wins over the settings (``quantize=True`` is
    precision ``int8-all``); no model dir anywhere means the bundled one.
    """
    from models.infer import load_classifier
    from monitor.config import get_settings

    settings = settings or get_settings()
    if quantize:
        precision = "int8-all"
    return load_classifier(model_dir or settings.model_dir,
                           threads=settings.classify_threads if threads is None else threads,
                           batch_size=settings.classify_batch_size,
                           precision=settings.classify_precision if precision is None else precision)
