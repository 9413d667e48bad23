"""Notifications: the in-app notification centre of marketers and creators (the bell, the list, mark read),
each user's e-mail preference per kind (immediately, a daily digest, or off), and the e-mails themselves.
Every app calls `notify` where its event happens; a unique (recipient, kind, event key) makes an event
reported twice one notification and one e-mail.

Brand-side kinds go to the workspace's managers and owners (`notify_workspace_managers`); creator-side
kinds to the portal accounts the caller names (it knows who reaches the creator). Immediate e-mails are
sent by `accounts.tasks.send_notification_email_task` after commit; the daily digest by
`accounts.tasks.send_notification_digests_task`, at most once per user and day.
"""
