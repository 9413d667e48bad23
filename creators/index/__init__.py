"""Writes to the shared creator index that arrive in bulk: metric pulls (videos, stats, follower snapshots),
scores, the latest stats on each video, and the provenance rules that say what an import may overwrite."""
