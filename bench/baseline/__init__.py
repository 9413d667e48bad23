"""Bare Django project used as the raw baseline for every benchmark figure."""
