"""URL policy of the browser panel: which schemes and hosts may be opened."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["UrlPolicy"]

# Browsers drop leading/trailing C0 controls and spaces and remove tabs and
# newlines anywhere (WHATWG URL parser), so "java\tscript:" is javascript:.
# The policy must see the URL the way Chromium will, or it can be bypassed.
_STRIP_CHARS = "".join(chr(c) for c in range(0x21))
_REMOVE_RE = re.compile(r"[\t\n\r]")
# Schemes whose URLs carry a host; for them "\" is a path separator in
# Chromium, while urlsplit would treat it as part of the authority
# ("http://evil.example\@good.example" is evil.example to Chromium).
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
# The only about: pages a web page may use; others map to browser-internal
# pages (about:version is chrome://version) that the panel must not expose.
_ABOUT_PAGES = frozenset({"about:blank", "about:srcdoc"})


def _normalise(url: str) -> str:
    return _REMOVE_RE.sub("", url.strip(_STRIP_CHARS))


def _host_matches(host: str, pattern: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        base = pattern[2:]
        return host == base or host.endswith("." + base)
    return host == pattern


@dataclass(frozen=True)
class UrlPolicy:
    """Decide which URLs the browser panel may open.

    ``file:``, ``javascript:`` and ``data:`` URLs are denied unless their
    scheme is listed in ``allowed_schemes``. An empty ``allowed_hosts``
    allows any host; otherwise a host must equal an entry, and an entry
    ``*.example.com`` also allows ``example.com`` and all its subdomains.

    Example::

        policy = UrlPolicy(allowed_hosts=("127.0.0.1", "*.example.com"))
        policy.check("https://maps.example.com/")  # None: allowed
        policy.check("file:///etc/passwd")  # a sentence saying why not

    :param allowed_schemes: lower-case scheme names without the colon.
    :param allowed_hosts: host names or ``*.``-prefixed domain patterns.
    """

    allowed_schemes: tuple[str, ...] = ("http", "https", "about")
    allowed_hosts: tuple[str, ...] = ()

    def check(self, url: str) -> str | None:
        """Return ``None`` if ``url`` may be opened, else a sentence saying why not.

        :param url: the URL as the user or client gave it.
        """
        cleaned = _normalise(url)
        if not cleaned:
            return "The URL is empty; give a full URL such as https://example.com/."
        scheme, sep, _ = cleaned.partition(":")
        scheme = scheme.lower()
        if not sep or not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
            return (
                f"The URL {url!r} has no scheme; write it in full, "
                "for example https://example.com/."
            )
        if scheme not in self.allowed_schemes:
            allowed = ", ".join(f"{s}:" for s in self.allowed_schemes) or "none"
            return (
                f"The URL scheme {scheme}: is not allowed in the browser panel "
                f"(allowed: {allowed}); add it to allowed_schemes to permit it."
            )
        if scheme == "about":
            page = cleaned.lower().split("?", 1)[0].split("#", 1)[0]
            if page not in _ABOUT_PAGES:
                return (
                    f"The page {page} is a browser-internal page and is not allowed; "
                    "only about:blank can be opened."
                )
            return None
        if scheme in _SPECIAL_SCHEMES:
            cleaned = cleaned.replace("\\", "/")
        try:
            parts = urlsplit(cleaned)
            host = (parts.hostname or "").rstrip(".")
        except ValueError as exc:
            return f"The URL {url!r} cannot be parsed ({exc}); check it and try again."
        if scheme in _SPECIAL_SCHEMES and not host:
            return f"The URL {url!r} has no host; write it as {scheme}://HOST/PATH."
        if (
            self.allowed_hosts
            and host
            and not any(_host_matches(host, pattern) for pattern in self.allowed_hosts)
        ):
            allowed = ", ".join(self.allowed_hosts)
            return (
                f"The host {host} is not allowed in the browser panel "
                f"(allowed: {allowed}); add it to allowed_hosts to permit it."
            )
        return None
