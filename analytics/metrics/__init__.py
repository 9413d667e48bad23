"""Pulling creators' public metrics: the providers (TikTok's API for creators who connected, the demo's synthetic
one), the sweep that fans pulls out under a shared rate limit, OAuth with encrypted tokens, and the creator
portal's TikTok connection page."""
