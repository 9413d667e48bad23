"""The creator portal's contracts and briefs: reading and signing a contract, downloading its PDF, reading a brief
with what changed since the last version, and the portal home's "Your work" counts."""
