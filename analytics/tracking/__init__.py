"""Tracking links and promo codes: the public redirect and its click stream, the bot verdicts, verified destination
domains (with the SSRF-safe proof fetch), and the campaign's links panel."""
