"""The creator index shared by every workspace (creators, videos, audience, stats) and each workspace's private
layers on it: discovery, imports, shortlists, notes, tags, contacts, and the creator portal's profile."""
