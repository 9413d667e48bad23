"""Orders and attribution: store connections and their signed webhooks, order formats and CSV imports, the
attribution rules (in Python and as one SQL statement), commission settlement and the order pages."""
