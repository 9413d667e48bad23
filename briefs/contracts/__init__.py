"""Contracts: templates and merge fields, sending a version, signing it (the creator, then the brand), the final
PDF with its certificate, and the public page that verifies a signed PDF."""
