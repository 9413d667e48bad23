"""The top bar's search: one box that finds creators in the shared index (through discovery's keyword
search and its indexes), and the workspace's own campaigns, collaborations and people, grouped; the
suggestions shown while typing and the full results page."""
