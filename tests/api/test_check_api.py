"""The Python API's claim check and outlet records, on reports written for the check tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasid.api import Rasid
from rasid.stages import build_pipeline
from rasid.verify.check import ClaimError
from tests.verify.test_check import CLAIM, FIXTURES, REPORTS


def test_check_and_outlets_from_python(tmp_path: Path) -> None:
    with Rasid(tmp_path / "api.db", pipeline=build_pipeline(["text"])) as rasid:
        for name, (outlet, day) in REPORTS.items():
            rasid.analyze([FIXTURES / name], source=outlet, published=day)
        result = rasid.check(CLAIM, as_of=dt.date(2024, 3, 15))
        assert result.label in ("true", "misleading", "false", "unverified")
        assert result.sources and result.evidence and result.explanation_en
        assert {s.article.source for s in result.sources} <= {outlet for outlet, _ in REPORTS.values()}
        early = rasid.check(CLAIM, as_of=dt.date(2024, 3, 10))
        assert all(s.article.published <= dt.date(2024, 3, 10) for s in early.sources if s.article.published)
        records = rasid.outlets()
        assert records["وكالة الرصد"].articles == 2 and records["شبكة الفرات"].articles == 1
        with pytest.raises(ClaimError):
            rasid.check("The Russian forces left Aleppo")
