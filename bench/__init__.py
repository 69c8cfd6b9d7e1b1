"""Lantern's performance benchmark: ``.venv/bin/python bench/run.py`` (see README.md)."""
