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
                               settings: Settings | None = None) -> Classifier:
    """The classifier the settings name (``model_dir``, ``classify_threads``, ``classify_batch_size``).

    An explicit ``model_dir`` or ``threads`` wins over the settings; no model dir anywhere means the bundled one.
    """
    from models.infer import load_classifier
    from monitor.config import get_settings

    settings = settings or get_settings()
    return load_classifier(model_dir or settings.model_dir, quantize=quantize,
                           threads=settings.classify_threads if threads is None else threads,
                           batch_size=settings.classify_batch_size)
