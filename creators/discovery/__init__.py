"""Discovery: the filters (one FilterSet for the page and the API), the search itself, the discovery page with its
bulk actions, saved searches and the CSV export."""
