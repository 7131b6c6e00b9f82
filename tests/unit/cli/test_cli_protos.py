"""`cardeck protos export|path`: the API contract handed to other languages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from google.rpc import error_details_pb2, status_pb2

ROOT = Path(__file__).resolve().parents[3]
CARDECK = [sys.executable, "-m", "cardeck.cli"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CARDECK, *args], capture_output=True, text=True, timeout=60)


def test_export_writes_every_proto_with_its_import_path(tmp_path: Path) -> None:
    done = _run("protos", "export", str(tmp_path / "out"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"dir", "files"}
    source = sorted((ROOT / "protos" / "cardeck" / "v1").glob("*.proto"))
    rpc = ROOT / "third_party" / "googleapis" / "google" / "rpc"
    source += [rpc / "error_details.proto", rpc / "status.proto"]
    assert [Path(f).name for f in report["files"]] == [p.name for p in source]
    for f, p in zip(report["files"], source, strict=True):
        assert Path(f).read_bytes() == p.read_bytes()
        assert Path(f).parent == tmp_path / "out" / p.parent.relative_to(p.parents[2])


def test_export_writes_the_google_rpc_detail_types_the_head_unit_sends(tmp_path: Path) -> None:
    """The vendored google.rpc files declare the messages the Python SDK decodes details with."""
    done = _run("protos", "export", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "google/rpc for the error details" in done.stdout
    assert "on Debian in libprotobuf-dev" in done.stdout
    for module in (status_pb2, error_details_pb2):
        text = (tmp_path / module.DESCRIPTOR.name).read_text()
        assert "package google.rpc;" in text
        for name, message in module.DESCRIPTOR.message_types_by_name.items():
            assert f"message {name} {{" in text
            for field in message.fields:
                assert f" {field.name} = {field.number};" in text, (name, field.name)


def test_export_refuses_to_overwrite_a_changed_file_without_force(tmp_path: Path) -> None:
    assert _run("protos", "export", str(tmp_path)).returncode == 0
    edited = tmp_path / "cardeck" / "v1" / "types.proto"
    edited.write_text("// mine\n")
    refused = _run("protos", "export", str(tmp_path))
    assert refused.returncode == 1
    assert refused.stderr.startswith("UsageError: These files exist with other content:")
    assert "--force" in refused.stderr
    assert edited.read_text() == "// mine\n"
    assert _run("protos", "export", str(tmp_path), "--force").returncode == 0
    assert edited.read_bytes() == (ROOT / "protos" / "cardeck" / "v1" / "types.proto").read_bytes()


def test_path_prints_the_folder_the_protos_are_read_from() -> None:
    done = _run("protos", "path")
    assert done.returncode == 0
    assert (Path(done.stdout.strip()) / "cardeck" / "v1" / "types.proto").is_file()
