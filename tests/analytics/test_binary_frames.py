"""Query results read as binary COPY: every kind of column, and every way the data can break the
fixed-width promise, against the real PostgreSQL."""

import datetime

import numpy as np
import pandas as pd
import pytest

from analytics.scoring.binary_frames import BinaryFrameError, copy_binary_frame, parse_binary_copy

pytestmark = pytest.mark.django_db

COLUMNS = (("id", "bigint"), ("rate", "float8"), ("paid", "boolean"), ("at", "timestamptz"))


def test_every_kind_of_column_arrives_with_its_value():
    frame = copy_binary_frame(
        """
        SELECT n::bigint, COALESCE(CASE WHEN n = 2 THEN NULL ELSE n / 4.0 END, 'NaN')::float8, n % 2 = 0,
            '2026-03-01 12:30:00.000250+00'::timestamptz + make_interval(days => n)
        FROM generate_series(-1, 3) AS n ORDER BY n
        """,
        None,
        COLUMNS,
    )

    assert list(frame.columns) == ["id", "rate", "paid", "at"]
    assert frame["id"].tolist() == [-1, 0, 1, 2, 3]
    assert frame["id"].dtype == np.int64
    assert frame["rate"].tolist()[:3] == [-0.25, 0.0, 0.25] and np.isnan(frame["rate"][3])
    assert frame["rate"][4] == 0.75
    assert frame["paid"].tolist() == [False, True, False, True, False]
    first = datetime.datetime(2026, 2, 28, 12, 30, 0, 250, tzinfo=datetime.UTC)
    assert frame["at"].tolist() == [pd.Timestamp(first + datetime.timedelta(days=d)) for d in range(5)]


def test_parameters_travel_with_the_query():
    frame = copy_binary_frame("SELECT %s::bigint * 2", [21], (("answer", "bigint"),))

    assert frame["answer"].tolist() == [42]


def test_no_rows_is_an_empty_frame_with_the_columns():
    frame = copy_binary_frame("SELECT 1::bigint WHERE false", None, (("id", "bigint"),))

    assert frame.empty and list(frame.columns) == ["id"]


def test_a_null_is_refused_by_name():
    with pytest.raises(BinaryFrameError, match="rate"):
        copy_binary_frame(
            "SELECT 1::bigint, NULL::float8, true, now() UNION ALL SELECT 2, NULL, true, now()", None, COLUMNS
        )


def test_a_column_of_another_width_is_refused():
    with pytest.raises(BinaryFrameError, match="'a' is not bigint"):
        copy_binary_frame("SELECT 1::integer, 2::integer", None, (("a", "bigint"), ("b", "bigint")))


def test_data_that_is_not_binary_copy_is_refused():
    with pytest.raises(BinaryFrameError, match="Not PostgreSQL binary COPY"):
        parse_binary_copy(b"id,rate\n1,0.5\n" * 3, COLUMNS)
