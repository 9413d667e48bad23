"""Everything measured: metrics pulled from TikTok, engagement scoring, tracking links and clicks, orders and their
attribution, brand-safety scans, and the demo data that fills all of them."""
