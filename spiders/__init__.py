"""Scrapy spiders per platform, self-audit export importers, items and the ingestion pipeline."""
