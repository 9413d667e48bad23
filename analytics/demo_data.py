"""Reading the real creator file shipped in shared/data (see its SOURCES.md) for the demo."""

from pathlib import Path

import pandas as pd

from creators.countries import country_code
from creators.counts import parse_count
from creators.services import CreatorRow

DEMO_CREATORS_FILE = "tiktok_top250_creators_2020.csv"


def read_demo_creators(path: Path) -> list[CreatorRow]:
    """One CreatorRow per line of the top-creators CSV (handles keep their @; counts look like 78.9m)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return [
        CreatorRow(
            handle=record["Username"].strip().lstrip("@").lower(),
            display_name=record["Username"].strip().lstrip("@"),
            country=country_code(record["Country"]),
            follower_count=parse_count(record["Followers"]) or 0,
        )
        for record in frame.to_dict(orient="records")
        if record["Username"].strip()
    ]
