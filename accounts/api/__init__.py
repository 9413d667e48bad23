"""The REST API's base for workspace-owned objects: a viewset that scopes every query to the caller's workspace and
cannot be bypassed by a subclass, plus the workspace's own endpoints (members, invitations)."""
