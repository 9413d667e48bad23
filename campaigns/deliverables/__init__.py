"""The deliverable journey: a creator submits drafts (checked before anything is stored), the brand reviews them,
the live link is posted and checked for disclosure, and files are served only to who may see them."""
