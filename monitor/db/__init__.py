"""Persistence: tables, the engine and session lifecycle, repositories and read queries."""
