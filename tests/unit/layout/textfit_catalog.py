"""A small ``ui`` catalog for the text-fit tests: painter strings and hand translations.

The shipped ``ui`` catalog is filled as the painters move their strings into it;
these tests need strings whose widths they know, so they write their own
catalog (a ``ui.pot`` with the painters' ``#:`` locations, and a ``.po`` per
locale) and compile it with Babel, as ``make locales`` does.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from cardeck.i18n import pseudo_localize

PAINTERS = "simulator/cardeck_sim/ui/painters/"

#: (English, painter file, German, Korean, Arabic): strings the painters show today.
MESSAGES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Assistant", "voice.py", "Sprachassistent", "어시스턴트", "المساعد"),
    ("Listening…", "voice.py", "Zuhören…", "듣는 중…", "جارٍ الاستماع…"),
    ("Working on it…", "voice.py", "Wird bearbeitet…", "처리 중…", "جارٍ العمل عليه…"),
    (
        "Voice control settings",
        "voice.py",
        "Sprachsteuerungseinstellungen",
        "음성 제어 설정",
        "إعدادات التحكم الصوتي",
    ),
    ("Yes or no?", "voice.py", "Ja oder nein?", "예 또는 아니요?", "نعم أم لا؟"),
    (
        "Say “Hey car…”",
        "voice.py",
        "Sagen Sie „Hallo Auto…“",
        "“헤이 카…”라고 말하세요",
        "قل «مرحبًا يا سيارة…»",
    ),
    (
        "Search or type a web address",
        "browser.py",
        "Suchbegriff oder Webadresse eingeben",
        "검색어 또는 웹 주소 입력",
        "ابحث أو اكتب عنوان ويب",
    ),
    (
        "Browser unavailable",
        "browser.py",
        "Browser nicht verfügbar",
        "브라우저를 사용할 수 없음",
        "المتصفح غير متاح",
    ),
    (
        "Locked while driving",
        "browser.py",
        "Während der Fahrt gesperrt",
        "주행 중에는 잠김",
        "مقفل أثناء القيادة",
    ),
    (
        "You have arrived",
        "guidance.py",
        "Sie haben Ihr Ziel erreicht",
        "목적지에 도착했습니다",
        "لقد وصلت",
    ),
    ("No active route", "guidance.py", "Keine aktive Route", "활성 경로 없음", "لا يوجد مسار نشط"),
    ("Driver", "climate.py", "Fahrer", "운전석", "السائق"),
    ("Passenger", "climate.py", "Beifahrer", "동승석", "الراكب"),
    ("Defrost", "climate.py", "Frontscheibenenteisung", "앞유리 김서림 제거", "إزالة الضباب"),
    ("Parked · {gear}", "status.py", "Geparkt · {gear}", "주차 중 · {gear}", "متوقفة · {gear}"),
    ("Voice", "../_scene.py", "Sprache", "음성", "الصوت"),
    ("Web", "../_scene.py", "Web", "웹", "الويب"),
    ("Climate", "../_scene.py", "Klima", "공조", "المناخ"),
)
LOCALES = ("de", "ko", "ar")


def _location(painter: str) -> str:
    if painter.startswith("../"):
        return "simulator/cardeck_sim/ui/" + painter[3:]
    return PAINTERS + painter


def write_catalog(folder: Path, extra: dict[str, tuple[str, str, str]] | None = None) -> Path:
    """Write ``ui.pot`` and compiled ``<tag>/LC_MESSAGES/ui.mo`` for de, ko, ar, en-XA, ar-XB.

    :param extra: more messages: English → (painter file, locale tag, translation).
    :returns: ``folder``, to pass as ``catalog_dir``.
    """
    template = Catalog(project="CarDeck test", fuzzy=False)
    rows = [(en, painter) for en, painter, *_ in MESSAGES]
    rows += [(en, painter) for en, (painter, _tag, _text) in (extra or {}).items()]
    for index, (en, painter) in enumerate(rows):
        template.add(en, locations=[(_location(painter), 10 + index)])
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "ui.pot").open("wb") as fh:
        write_po(fh, template)
    translations: dict[str, dict[str, str]] = {tag: {} for tag in (*LOCALES, "en-XA", "ar-XB")}
    for en, _painter, de, ko, ar in MESSAGES:
        translations["de"][en], translations["ko"][en], translations["ar"][en] = de, ko, ar
    for en, (_painter, tag, text) in (extra or {}).items():
        translations[tag][en] = text
    for en, _painter in rows:
        for tag in ("en-XA", "ar-XB"):
            translations[tag][en] = pseudo_localize(en, tag)
    for tag, texts in translations.items():
        catalog = Catalog(locale=tag.split("-")[0], project="CarDeck test", fuzzy=False)
        for en, _painter in rows:
            if en in texts:
                catalog.add(en, texts[en])
        out = folder / tag / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        with (out / "ui.po").open("wb") as fh:
            write_po(fh, catalog)
        # Read back the .po, as a translator's file would be, and compile it.
        with (out / "ui.po").open("rb") as fh:
            compiled = read_po(fh, locale=tag.split("-")[0])
        with (out / "ui.mo").open("wb") as fh:
            write_mo(fh, compiled)
    return folder
