"""Engagement scoring: the pure pandas computation of each component and the composite score, loading its frames
from PostgreSQL and storing the results, a workspace's scoring settings, and the reads behind "why this score"."""
