"""The numbers a brand decides on: the campaign report and the program view (figures, charts, verdicts), their CSV
and PDF exports, and the workspace's report settings."""
