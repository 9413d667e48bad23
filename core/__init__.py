"""What every app shares and nothing in it knows a product feature: the error type and its codes, CSV and PDF
helpers, health checks, client IPs behind proxies, throttles and queueing background work by name."""
