"""Fact-checkers' verdicts on claims: the ClaimReview parser, the claims store and the fact-check feed spider.

Not a platform: fact-checkers are not accounts anyone declares. Their RSS/Atom feeds are read daily
(``netra crawl factcheck``, the scheduler's ``factcheck`` job) and every article's ClaimReview
JSON-LD is stored as a claim (docs/hoax.md), which ``monitor.hoax`` matches against acts.
"""
