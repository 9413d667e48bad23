"""Importing creator exports (CSV, JSON, XLSX): reading files record by record, mapping their columns (with the
synonym table), the dry run, the import job that writes in chunks, its rejected rows, and the import pages."""
