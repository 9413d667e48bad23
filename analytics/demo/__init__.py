"""The demo's data: a synthetic creator index (or the real TikTok file when DEMO_DATA_DIR names one), demo
campaigns through the campaigns services, and demo orders with their links and codes."""
