"""Audience data: the shares (country, age, gender) a profile holds, the fit between an audience and the one a
brand wants, and the index that makes "at least X % in ..." searchable."""
