"""Management commands of creators."""
