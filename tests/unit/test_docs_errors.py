"""docs/errors.md lists every ErrorInfo reason the code sets, with its status code, and no other.

The reasons come from the source, read with ``ast``: every ``RpcFailure(...)``
call's status code and ``reason=`` (plain strings, f-strings over an enum
member, and ``BUNDLE_<REASON>`` for every entry of a ``_CODES`` table), plus
every string the SDK compares ``.reason`` with.
"""

import ast
import re
from pathlib import Path

from cardeck.deploy import RejectReason

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "errors.md"
SOURCES = [ROOT / "simulator", ROOT / "sdk" / "cardeck"]
ENUMS = {"RejectReason": RejectReason}


def python_files():
    for top in SOURCES:
        for path in sorted(top.rglob("*.py")):
            if "v1" not in path.relative_to(top).parts:
                yield path


def status_code(node):
    """``grpc.StatusCode.X`` → "X"; None for anything else."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "StatusCode"
    ):
        return node.attr
    return None


def enum_value(node):
    """``RejectReason.X.value`` → its value; None for anything else."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "value"
        and isinstance(node.value, ast.Attribute)
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id in ENUMS
    ):
        return ENUMS[node.value.value.id][node.value.attr].value
    return None


def code_tables(tree):
    """Module-level dicts of ``RejectReason.X: grpc.StatusCode.Y``, by name."""
    tables = {}
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Dict):
            pairs = {}
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(key, ast.Attribute) and status_code(value):
                    pairs[ENUMS[key.value.id][key.attr].value] = status_code(value)
            if pairs:
                tables[target.id] = pairs
    return tables


def failures_in(path):
    """(reason, code) pairs of every RpcFailure(...) call in a file."""
    tree = ast.parse(path.read_text(), str(path))
    tables = code_tables(tree)
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        reason = next((k.value for k in node.keywords if k.arg == "reason"), None)
        if name != "RpcFailure" or reason is None:
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        code_node = node.args[0] if node.args else None
        if isinstance(reason, ast.Constant):
            code = status_code(code_node)
            assert code, f"{where}: the status code is not a grpc.StatusCode constant"
            found.add((reason.value, code))
            continue
        assert isinstance(reason, ast.JoinedStr), f"{where}: reason is not a string or f-string"
        prefix = "".join(v.value for v in reason.values if isinstance(v, ast.Constant))
        parts = [v.value for v in reason.values if isinstance(v, ast.FormattedValue)]
        assert len(parts) == 1, f"{where}: teach this test the reason's form"
        value = enum_value(parts[0])
        if value is not None:
            found.add((prefix + value, status_code(code_node)))
        elif isinstance(code_node, ast.Subscript) and code_node.value.id in tables:
            # reason=f"BUNDLE_{exc.reason.value}" with code _CODES[exc.reason]
            found.update((prefix + r, c) for r, c in tables[code_node.value.id].items())
        else:
            raise AssertionError(f"{where}: cannot resolve the reason; teach this test its form")
    return found


def compared_reasons(path):
    """Strings the SDK compares a ``.reason`` with: reasons it relies on."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and getattr(node.left, "attr", "") == "reason":
            for right in node.comparators:
                if isinstance(right, ast.Constant) and isinstance(right.value, str):
                    yield right.value


def used():
    pairs = set()
    for path in python_files():
        pairs |= failures_in(path)
    codes = {}
    for reason, code in pairs:
        codes.setdefault(reason, set()).add(code)
    return codes


def documented():
    """The reason table under "## Reason codes": reason → its status codes."""
    text = DOC.read_text()
    section = text.split("## Reason codes", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.fullmatch(r"`[A-Z_]+`", cells[0]):
            continue
        reason = cells[0].strip("`")
        assert reason not in rows, f"{reason} has two rows"
        rows[reason] = set(re.findall(r"`([A-Z_]+)`", cells[1]))
    return rows


def test_the_source_scan_finds_the_reasons_it_should():
    codes = used()
    assert codes["BUNDLE_TRUNCATED"] == {"DATA_LOSS"}
    assert codes["BUNDLE_UNTRUSTED"] == {"PERMISSION_DENIED"}
    assert codes["NO_ROUTE"] == {"NOT_FOUND", "FAILED_PRECONDITION"}
    assert len(codes) > 30


def test_every_reason_the_code_sets_is_documented_with_its_status_codes():
    codes, rows = used(), documented()
    missing = sorted(set(codes) - set(rows))
    assert not missing, f"docs/errors.md lacks rows for {missing}"
    wrong = {r: (rows[r], c) for r, c in codes.items() if rows[r] != c}
    assert not wrong, f"documented vs used status codes differ: {wrong}"


def test_every_documented_reason_is_used():
    used_reasons = set(used())
    stale = sorted(set(documented()) - used_reasons)
    assert not stale, f"docs/errors.md documents reasons no code sets: {stale}"


def test_every_reason_the_sdk_relies_on_is_documented():
    rows = documented()
    relied = {r for path in python_files() for r in compared_reasons(path)}
    assert relied, "the SDK checks at least API_VERSION_MISMATCH"
    assert relied <= set(rows), sorted(relied - set(rows))
