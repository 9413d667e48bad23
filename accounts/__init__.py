"""Users, workspaces and memberships: a fresh install's first-run setup, sign-in (with an optional second factor),
new workspaces, roles, invitations, the workspace's branding, and the one scoping mechanism every workspace-owned
query goes through (`accounts.tenancy`)."""
