"""Template tags every page can use."""
