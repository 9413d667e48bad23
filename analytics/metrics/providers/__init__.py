"""The metrics providers behind one interface: TikTok's Display API (and its HTTP client) and the deterministic
demo provider."""
