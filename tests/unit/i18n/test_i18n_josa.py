"""Korean particles after data (cardeck.i18n._josa): "{road:으로}" in a translation."""

from __future__ import annotations

import pytest

from cardeck.i18n import Word, has_batchim, translator, with_particle


@pytest.mark.parametrize(
    ("word", "ro", "eul", "i"),
    [
        ("시청", "시청으로", "시청을", "시청이"),  # closed syllable
        ("서울역", "서울역으로", "서울역을", "서울역이"),
        ("학교", "학교로", "학교를", "학교가"),  # open syllable
        ("마을", "마을로", "마을을", "마을이"),  # ㄹ takes 로
        ("역삼로", "역삼로로", "역삼로를", "역삼로가"),
        ("3", "3으로", "3을", "3이"),  # 삼
        ("1", "1로", "1을", "1이"),  # 일: ㄹ
        ("2", "2로", "2를", "2가"),  # 이
        ("Yrjönkatu", "Yrjönkatu로", "Yrjönkatu를", "Yrjönkatu가"),  # read 위르여운카투
        ("Station", "Station으로", "Station을", "Station이"),  # 스테이션
        ("Hall", "Hall로", "Hall을", "Hall이"),  # 홀
        ("Park", "Park로", "Park를", "Park가"),  # 파크
        ("시청 (본관)", "시청 (본관)으로", "시청 (본관)을", "시청 (본관)이"),
    ],
)
def test_the_particle_follows_the_last_syllable(word, ro, eul, i):
    assert with_particle(word, "으로") == with_particle(word, "로") == ro
    assert with_particle(word, "을") == with_particle(word, "를") == eul
    assert with_particle(word, "이") == with_particle(word, "가") == i
    assert has_batchim(word) == (eul.endswith("을"))


def test_translations_name_the_particle_as_a_format_spec():
    tr = translator("ko")
    assert tr.gettext("x {road:으로} y", road="시청") == "x 시청으로 y"
    assert tr.gettext("x {road:(으)로} y", road="학교") == "x 학교로 y"
    assert f"{Word('abc'):>5}" == "  abc"  # any other spec is str's own
    assert tr.gettext("{n:d}", n=3) == "3"  # numbers are left as they are
    with pytest.raises(ValueError, match="not one that alternates"):
        with_particle("시청", "에서")
