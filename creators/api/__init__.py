"""The REST API of creators: discovery and detail on the shared index, and the workspace's shortlists, notes, tags
and relationship statuses."""
