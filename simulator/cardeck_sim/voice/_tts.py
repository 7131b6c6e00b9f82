"""Text-to-speech through the espeak-ng command-line program.

espeak-ng is a Debian package, not a Python one, so it runs as a subprocess.
The text goes in on stdin (never on the command line) so that text starting
with ``-`` cannot become an option and its length is not limited by argv.
"""

from __future__ import annotations

import asyncio
import functools
import re
import shutil
import struct
import subprocess

from cardeck.i18n import locale_info

from ._errors import SpeechUnavailableError
from ._wav import wav_to_pcm16k

__all__ = [
    "LOCALE_VOICES",
    "asynthesize",
    "find_espeak",
    "synthesize",
    "to_pcm16k",
    "voice_for",
    "voice_problem",
]

#: The espeak-ng voice of each locale base (Debian's espeak-ng-data has them all;
#: ``espeak-ng --voices=ko`` lists "Korean", file ``ko``).
LOCALE_VOICES = {"en": "en-us", "ko": "ko", "de": "de", "ar": "ar"}
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")

_MAX_TEXT_CHARS = 2000
_VOICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_+\-]{0,40}$")
_TIMEOUT_SECONDS = 30.0
_INSTALL_HINT = (
    "Text-to-speech needs the espeak-ng program, which was not found on PATH; "
    "install the Debian package espeak-ng with `sudo apt-get install espeak-ng`."
)


def find_espeak() -> str:
    """Return the path of the espeak-ng executable.

    :raises SpeechUnavailableError: when espeak-ng is not installed; the message
        names the Debian package and the install command.
    """
    path = shutil.which("espeak-ng")
    if path is None:
        raise SpeechUnavailableError(_INSTALL_HINT)
    return path


@functools.cache
def _installed_voices() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-cased names espeak-ng's ``-v`` takes (language, name, file) and its variants."""

    def table(option: str) -> list[list[str]]:
        done = subprocess.run(
            [find_espeak(), option], capture_output=True, text=True, timeout=30, check=False
        )
        return [line.split() for line in done.stdout.splitlines()[1:] if line.split()]

    voices = {
        name.lower()
        for row in table("--voices")
        if len(row) >= 5
        for name in (row[1], row[3], row[4], row[4].rsplit("/", 1)[-1])
    }
    variants = {
        name.lower()
        for row in table("--voices=variant")
        if len(row) >= 5
        for name in (row[3], row[4].rsplit("/", 1)[-1])
    }
    return frozenset(voices), frozenset(variants)


def voice_for(text: str, locale: str) -> str:
    """The voice to say ``text`` with when none is named: the locale's, by script if need be.

    Hangul is read with the Korean voice and Arabic script with the Arabic one
    whatever the locale (an English voice spells them letter by letter); other
    text takes the locale's voice (:data:`LOCALE_VOICES`), and pseudo-locales,
    whose text is accented English, the English one.
    """
    if _HANGUL.search(text):
        return LOCALE_VOICES["ko"]
    if _ARABIC.search(text):
        return LOCALE_VOICES["ar"]
    info = locale_info(locale)
    if info.pseudo or info.base in ("ko", "ar"):
        # Accented English, or Latin text (a name, "OK") on a Korean or Arabic
        # head unit: the English voice reads it.
        return LOCALE_VOICES["en"]
    return LOCALE_VOICES.get(info.base, LOCALE_VOICES["en"])


def voice_problem(voice: str) -> str | None:
    """Why espeak-ng has no voice ``voice`` (``name`` or ``name+variant``), or None if it has.

    :raises SpeechUnavailableError: when espeak-ng is not installed.
    """
    voices, variants = _installed_voices()
    base, _, variant = voice.lower().partition("+")
    if _VOICE_RE.match(voice) and base in voices and (not variant or variant in variants):
        return None
    return (
        f"voice is {voice[:48]!r}, which espeak-ng does not have; use a language such as "
        "'en-us', 'en-gb' or 'de', optionally with a variant ('en-us+f3'); `espeak-ng "
        "--voices` lists them."
    )


def _build_command(text: str, voice: str, speed_wpm: int) -> tuple[list[str], bytes]:
    """Validate the arguments and return the argv and stdin bytes."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("The field text is empty; pass the sentence to speak.")
    if len(text) > _MAX_TEXT_CHARS:
        raise ValueError(
            f"The field text has {len(text)} characters, more than the limit of "
            f"{_MAX_TEXT_CHARS}; split it into shorter sentences."
        )
    if not _VOICE_RE.match(voice):
        raise ValueError(
            f"The field voice is {voice!r}, which is not an espeak-ng voice name; use "
            "names like 'en-us', 'en-gb' or 'en-us+f3' (see `espeak-ng --voices`)."
        )
    if not 80 <= speed_wpm <= 450:
        raise ValueError(
            f"The field speed_wpm is {speed_wpm}, outside espeak-ng's range of 80 to 450 "
            "words per minute."
        )
    argv = [find_espeak(), "-v", voice, "-s", str(speed_wpm), "--stdin", "--stdout"]
    # A trailing newline ends the clause, so espeak-ng speaks the last words.
    return argv, text.replace("\n", " ").encode("utf-8") + b"\n"


def _finish(stdout: bytes, stderr: bytes, returncode: int | None, voice: str) -> bytes:
    """Check espeak-ng's result and return a WAV with correct header lengths."""
    if returncode != 0 or len(stdout) <= 44:
        detail = stderr.decode("utf-8", "replace").strip() or f"exit status {returncode}"
        raise RuntimeError(
            f"espeak-ng failed to synthesize speech with voice {voice!r}: {detail}. "
            "Check the voice name with `espeak-ng --voices`."
        )
    return _fix_streamed_header(stdout)


def _fix_streamed_header(wav: bytes) -> bytes:
    """Replace the placeholder sizes that ``--stdout`` writes with the real ones.

    espeak-ng cannot seek a pipe, so it writes 0x7FFFF... as the RIFF and data
    sizes; strict WAV readers reject that, so the sizes are patched here.
    """
    if wav[:4] != b"RIFF" or wav[36:40] != b"data":
        return wav
    data_len = len(wav) - 44
    data_len -= data_len % 2
    wav = wav[: 44 + data_len]
    return (
        wav[:4]
        + struct.pack("<I", 36 + data_len)
        + wav[8:40]
        + struct.pack("<I", data_len)
        + wav[44:]
    )


def synthesize(text: str, voice: str = "en-us", speed_wpm: int = 160) -> bytes:
    """Speak ``text`` with espeak-ng and return a 16-bit mono WAV file (22.05 kHz).

    :param voice: an espeak-ng voice, optionally with a variant (``en-us+f3``).
    :param speed_wpm: speaking rate in words per minute, 80 to 450.
    :raises ValueError: on empty text, an invalid voice name or speed.
    :raises SpeechUnavailableError: when espeak-ng is not installed.
    :raises RuntimeError: when espeak-ng fails (for example, an unknown voice).
    """
    argv, stdin = _build_command(text, voice, speed_wpm)
    try:
        done = subprocess.run(
            argv, input=stdin, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError as exc:  # removed between find_espeak() and the call
        raise SpeechUnavailableError(_INSTALL_HINT) from exc
    return _finish(done.stdout, done.stderr, done.returncode, voice)


async def asynthesize(text: str, voice: str = "en-us", speed_wpm: int = 160) -> bytes:
    """Async twin of :func:`synthesize`, using ``asyncio.create_subprocess_exec``.

    The process is killed if the caller is cancelled or it exceeds the timeout.
    """
    argv, stdin = _build_command(text, voice, speed_wpm)
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise SpeechUnavailableError(_INSTALL_HINT) from exc
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(stdin), _TIMEOUT_SECONDS)
    except BaseException:
        # Cancellation or timeout: never leave an orphaned espeak-ng behind.
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
    return _finish(stdout, stderr, proc.returncode, voice)


def to_pcm16k(wav_bytes: bytes) -> bytes:
    """Convert a WAV (for example from :func:`synthesize`) to 16 kHz mono 16-bit PCM.

    :raises ValueError: when the WAV is malformed or not 16-bit PCM.
    """
    return wav_to_pcm16k(wav_bytes)
