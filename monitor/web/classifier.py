"""The classifier the web app's self-audit uses: loaded once, on first use, and kept on ``app.state``.

Production always loads it with ``monitor.classify.load_configured_classifier(settings=…)``. The one
hook is ``app.state.classifier``: whatever is already there is used as is. Only tests set it
(a small deterministic stand-in when no bundled model is available); nothing in Netra does.
"""

from __future__ import annotations

from threading import Lock

from fastapi import FastAPI

from monitor.selfaudit.workflow import ClassifierLike

_lock = Lock()


def shared_classifier(app: FastAPI) -> ClassifierLike:
    """The app's classifier, loading it on the first call (the model takes seconds and memory: once per app)."""
    with _lock:
        classifier = getattr(app.state, "classifier", None)
        if classifier is None:
            from monitor.classify import load_configured_classifier

            classifier = load_configured_classifier(settings=app.state.settings)
            app.state.classifier = classifier
        return classifier
