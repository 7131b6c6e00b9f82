"""Benchmark label textures per script: Latin vs Hangul vs Arabic mixed with Latin and digits.

Run: ``.venv/bin/python bench/bench_text.py [--labels 60] [--rounds 5]``

What a painter pays the first time it draws a label (issue 20, item 3): a fresh
:class:`~cardeck_sim.ui.painters.text.TextCache` per round, so nothing is reused,
then ``width()`` + ``texture()`` of each label — bidi, font runs, one render per
run, the runs composed into one texture. Three label sets of like length, in
rounds interleaved so that machine noise hits each alike:

- **latin** (the baseline): English street and instruction labels, one run each;
- **hangul**: Korean labels (one CJK run; with digits, a Latin run too);
- **arabic-mixed**: Arabic with a Latin place name and digits (three to five runs,
  the Arabic ones shaped right to left).

Printed: median µs per label and the ratio to latin measured in the same run,
and the cost of a repeat (a cache hit). Kivy offscreen; well under a minute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

# Kivy reads its environment when first imported; this module does not import it.
from cardeck_sim.ui._render import prepare_kivy_env

prepare_kivy_env(headless=True)
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="cardeck-bench-kivy-"))

LATIN = [
    "Turn right onto Mannerheimintie",
    "Continue on Pohjoisesplanadi",
    "In 120 m, keep left at the fork",
    "Arriving at Hotel Arthur at 3:05",
    "Charging station, 2 of 6 free",
    "Exit 14 towards Espoo Centre",
]
HANGUL = [
    "만네르헤이민티에로 우회전하세요",
    "포흐요이세스플라나디를 따라 계속 가세요",
    "120미터 앞 갈림길에서 왼쪽 차선을 유지하세요",
    "오후 3:05 호텔 아르투르 도착 예정",
    "충전소, 6개 중 2개 사용 가능",
    "에스포 중심부 방면 14번 출구",
]
ARABIC_MIXED = [
    "انعطف يمينًا إلى Mannerheimintie",
    "تابع على Pohjoisesplanadi",
    "بعد 120 م، الزم اليسار عند التفرع",
    "الوصول إلى Hotel Arthur الساعة 3:05",
    "محطة شحن، 2 من 6 متاحة",
    "المخرج 14 باتجاه Espoo Centre",
]
SETS = {"latin": LATIN, "hangul": HANGUL, "arabic-mixed": ARABIC_MIXED}


def _labels(texts: list[str], count: int) -> list[str]:
    """``count`` distinct labels: the set's sentences, numbered so none repeats."""
    return [f"{texts[i % len(texts)]} {i}" for i in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=60, help="labels per set and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from cardeck_sim.ui import ensure_window
    from cardeck_sim.ui.painters.text import TextCache

    ensure_window()
    size, color = 28, (230, 232, 236)
    first: dict[str, list[float]] = {name: [] for name in SETS}
    again: dict[str, list[float]] = {name: [] for name in SETS}
    TextCache().texture("warm up عربي 한국어", size, color)  # fonts opened, cmaps read
    for _ in range(args.rounds):
        for name, texts in SETS.items():
            labels = _labels(texts, args.labels)
            cache = TextCache()
            start = time.perf_counter()
            for label in labels:
                cache.width(label, size)
                cache.texture(label, size, color)
            first[name].append((time.perf_counter() - start) / len(labels) * 1e6)
            start = time.perf_counter()
            for label in labels:
                cache.width(label, size)
                cache.texture(label, size, color)
            again[name].append((time.perf_counter() - start) / len(labels) * 1e6)

    base = statistics.median(first["latin"])
    print(f"texture() + width() of a new label, {args.labels} labels × {args.rounds} rounds")
    print(f"{'set':<14}{'µs/label':>10}{'× latin':>9}{'repeat µs':>11}")
    for name in SETS:
        cost = statistics.median(first[name])
        print(f"{name:<14}{cost:>10.0f}{cost / base:>9.2f}{statistics.median(again[name]):>11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
