"""Database schema, sessions and migrations."""
