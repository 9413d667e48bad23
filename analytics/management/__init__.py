"""Management commands of analytics."""
