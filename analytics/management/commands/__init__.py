"""`manage.py` commands of analytics: seeding the demo, importing an order CSV, installing beat's
periodic tasks, and the demo admin's current second-factor code."""
