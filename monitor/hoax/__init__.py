"""Hoax claims in the service (issue 19): the stored claims, their cached vectors, the matcher the classifier uses.

``service`` builds a ``models.hoax.HoaxMatcher`` from the ``claim_review`` table (vectors cached
per encoder version) or from a claims file, hands it to the classifier, and keeps it in step with
the store as claims arrive. The claims themselves are read and stored by ``spiders.factcheck``.
"""
