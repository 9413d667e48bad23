"""A workspace's private layers on the shared index: shortlists, notes, tags, relationship status, its own contact
e-mails and its must-avoid terms, with their pages."""
