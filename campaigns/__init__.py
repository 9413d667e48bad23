"""Campaigns and the collaboration pipeline: creating and running a campaign, moving creators through its stages,
compensation, shipments and payouts, with the tables of the pipeline as plain data (`campaigns.pipeline`)."""
