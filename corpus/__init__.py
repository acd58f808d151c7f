"""Persistence (peewee over SQLite or PostgreSQL) and ingestion of articles. No Qt here."""
