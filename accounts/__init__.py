"""Users, workspaces and memberships: sign-in (with an optional second factor), roles, invitations, the workspace's
branding, and the one scoping mechanism every workspace-owned query goes through (`accounts.tenancy`)."""
