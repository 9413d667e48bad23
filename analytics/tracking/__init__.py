"""Tracking links and promo codes: the public redirect and its click stream, the bot verdicts, verified destination
domains (with the SSRF-safe proof fetch), the campaign's links panel, and what the creator is given: their link and
code in the portal, as merge fields of e-mails, and a message when they are generated (`creator_kit`)."""
