"""Talking to creators: message threads, outreach e-mails from editable templates (invitations, reminders, bulk
sends), unread notifications, and the claim links that bring a creator into the portal."""
