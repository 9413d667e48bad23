"""Open calls: a campaign's public page where creators apply with their handle and a pitch, and the campaign page's
panel that publishes, closes and reviews it."""
