"""Photos: hand gestures found by MediaPipe, their ballot numbers, fusion with the caption and context.

``gestures`` detects hands and names their pose, ``fusion`` weighs a gesture in its election context,
``hand_boxes`` draws what was found for the review page, ``evaluate`` measures the detector on the
labelled photos in ``data/`` (package data, with their licences and data card).
"""

from importlib.resources import files
from pathlib import Path

GESTURE_DATA = Path(str(files(__name__) / "data"))
