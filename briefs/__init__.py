"""What a campaign asks of its creators and what they sign: versioned briefs, contracts with e-signatures and their
PDFs, the content library with usage rights, and the creator portal's pages for them."""
