"""Reading the real TikTok top-creators file for the demo, when DEMO_DATA_DIR names a folder holding it.

Optional on purpose: the file is not in the repository (its licence is unknown), and the demo is
complete without it (analytics.demo.index)."""

from pathlib import Path

import pandas as pd

from creators.countries import country_code
from creators.importing.counts import parse_count
from creators.services import CreatorRow

DEMO_CREATORS_FILE = "tiktok_top250_creators_2020.csv"


def demo_creators_file(*, data_dir: Path | None) -> Path | None:
    """Where the real file is expected: None when no folder is configured (the synthetic demo alone).
    The caller refuses a configured folder without the file, so a typo is not silently ignored."""
    return None if data_dir is None else data_dir / DEMO_CREATORS_FILE


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
