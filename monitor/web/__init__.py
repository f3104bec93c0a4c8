"""Netra's review web app (FastAPI, server-rendered Jinja2 pages in Bahasa Indonesia)."""
