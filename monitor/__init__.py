"""Netra's service layer: configuration, database, registry, scheduler, web app and CLI."""

__version__ = "0.1.0"
