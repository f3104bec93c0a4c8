"""Captures in the service: tips (links people hand in), their background job, and the profile watch.

``tips`` turns links (pasted in the web app, a CSV, ``netra capture`` arguments) into tracked
``capture_tip`` rows and captures them through ``spiders.capture``, then classifies what became
an act, like any crawled act (text, then photo gestures; flags are queued). ``jobs`` runs a web
submission in the web process's background worker; ``watch`` is the scheduler's look at the
public profile pages of declared accounts (new posts become acts).
"""
