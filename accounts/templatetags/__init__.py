"""Template tags for the workspace's brand (colour and logo) on the pages creators see."""
