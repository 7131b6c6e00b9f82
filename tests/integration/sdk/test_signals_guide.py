"""docs/guides/kuksa.md's client.signals example runs on a head unit and prints what it says."""

import contextlib
import io
import re
from pathlib import Path

from cardeck.testing import HeadUnitThread

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guides" / "kuksa.md"
MARKER = "<!-- cardeck signals example:"


def example() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    after = text[text.index(MARKER) :]
    return re.search(r"```python\n(.*?)```", after, flags=re.DOTALL).group(1)


def test_the_guides_sdk_example_prints_what_its_comments_say(thread_unit: HeadUnitThread) -> None:
    code = example()
    assert '"127.0.0.1:50051"' in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.replace("127.0.0.1:50051", thread_unit.target), str(GUIDE), "exec"), {})
    # Each print's comment says what it prints (then, after a dash, why).
    promised = [m.split(" — ")[0].strip() for m in re.findall(r"print\(.*\)  # (.*)", code)]
    printed = out.getvalue().splitlines()
    assert len(printed) == len(promised)
    for got, want in zip(printed, promised, strict=True):
        assert got == want
