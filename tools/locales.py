"""Extract, update, pseudo-translate and compile CarDeck's message catalogs (Babel).

    python tools/locales.py            # make locales: extract → update → pseudo → compile
    python tools/locales.py --check    # make lint: fail if a catalog is stale or a
                                       # translation is missing, fuzzy or breaks a placeholder

One domain per part of the head unit, each extracted from its sources
(:data:`DOMAINS`) into ``sdk/cardeck/i18n/catalogs/<domain>.pot``. Translated
locales (``ko``, ``de``, ``ar``) keep ``<tag>/LC_MESSAGES/<domain>.po``, which
translators edit; an update adds new messages empty and drops gone ones.
The pseudo-locales ``en-XA`` and ``ar-XB`` are generated whole. Every ``.po``
compiles to the ``.mo`` the wheel ships. Locations are kept without line
numbers, so moving code does not make a catalog stale, and they say which
panel shows a message (the layout engine's text fit reads them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "sdk"))

from cardeck.i18n import SUPPORTED_LOCALES, locale_info, pseudo_localize  # noqa: E402
from cardeck.i18n._translator import CATALOG_DIR  # noqa: E402

#: Domain → the source folders its messages are extracted from.
DOMAINS: dict[str, tuple[str, ...]] = {
    "ui": ("simulator/cardeck_sim/ui",),
    "guidance": ("simulator/cardeck_sim/maps",),
    # Service notices (browser restarts, a lost vehicle feed) share the voice domain.
    "voice": (
        "simulator/cardeck_sim/voice",
        "simulator/cardeck_sim/service",
        "simulator/cardeck_sim/feed",
    ),
}
#: The calls whose string arguments are messages (gettext's, and the marker N_).
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
#: A comment starting so, just above a message, reaches the translator.
COMMENT_TAGS = ("i18n:",)
# Fixed so that regenerating a catalog from unchanged sources changes nothing.
_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_PLACEHOLDER = re.compile(r"\{([^{}:!]*)[^{}]*\}")


def _catalog(locale: str | None, domain: str) -> Catalog:
    return Catalog(
        locale=None if locale is None else locale_info(locale).base,
        domain=domain,
        project="CarDeck",
        version="1",
        copyright_holder="CarDeck",
        msgid_bugs_address="",
        creation_date=_DATE,
        revision_date=_DATE,
        fuzzy=False,
    )


def extract(domain: str) -> Catalog:
    """Extract a domain's messages from its sources."""
    template = _catalog(None, domain)
    for folder in DOMAINS[domain]:
        found = extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        )
        for filename, _lineno, message, comments, context in found:
            template.add(
                message,
                locations=[(f"{folder}/{filename}", None)],  # type: ignore[list-item]
                auto_comments=comments,
                context=context,
                flags=("python-brace-format",) if _PLACEHOLDER.search(str(message)) else (),
            )
    return template


def _render_po(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False)
    return out.getvalue()


def _render_mo(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _read(path: Path, locale: str, domain: str) -> Catalog:
    if not path.exists():
        return _catalog(locale, domain)
    with path.open("rb") as fh:
        return read_po(fh, locale=locale_info(locale).base, domain=domain)


def build() -> dict[Path, bytes]:
    """Every catalog file as it should be, by path."""
    files: dict[Path, bytes] = {}
    for domain in DOMAINS:
        template = extract(domain)
        files[CATALOG_DIR / f"{domain}.pot"] = _render_po(template)
        for tag in SUPPORTED_LOCALES[1:]:
            info = locale_info(tag)
            folder = CATALOG_DIR / tag / "LC_MESSAGES"
            if info.pseudo:
                catalog = _catalog(tag, domain)
                for message in template:
                    if not message.id:
                        continue
                    if message.pluralizable:
                        ids = tuple(str(i) for i in message.id)
                        string: object = tuple(pseudo_localize(i, tag) for i in ids)
                        string = (string[0], *([string[1]] * (catalog.num_plurals - 1)))  # type: ignore[index]
                    else:
                        string = pseudo_localize(str(message.id), tag)
                    catalog.add(
                        message.id,
                        string,
                        locations=message.locations,
                        context=message.context,
                        flags=message.flags,
                    )
            else:
                catalog = _read(folder / f"{domain}.po", tag, domain)
                catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
                catalog.obsolete.clear()
                catalog.revision_date = _DATE
                catalog.creation_date = _DATE
            files[folder / f"{domain}.po"] = _render_po(catalog)
            files[folder / f"{domain}.mo"] = _render_mo(catalog)
    return files


def problems() -> list[str]:
    """Translations that are missing, fuzzy, or lose or invent a placeholder."""
    found: list[str] = []
    for domain in DOMAINS:
        for tag in SUPPORTED_LOCALES[1:]:
            if locale_info(tag).pseudo:
                continue
            path = CATALOG_DIR / tag / "LC_MESSAGES" / f"{domain}.po"
            where = path.relative_to(ROOT)
            for message in _read(path, tag, domain):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy or not all(strings):
                    found.append(f"{where}: {ids[0]!r} is not translated")
                    continue
                want = set(_PLACEHOLDER.findall(str(ids[-1]))) - {"n"}
                for string in strings:
                    have = set(_PLACEHOLDER.findall(str(string))) - {"n"}
                    if have != want:
                        found.append(
                            f"{where}: {ids[0]!r} has placeholders {sorted(have)}, "
                            f"the English {sorted(want)}"
                        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    args = parser.parse_args(argv)
    files = build()
    stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)}: stale; run make locales", file=sys.stderr)
        issues = problems()
        for line in issues:
            print(line, file=sys.stderr)
        return 1 if stale or issues else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
        print(f"wrote {path.relative_to(ROOT)}")
    for line in problems():
        print(f"to translate: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
