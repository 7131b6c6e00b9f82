"""Benchmark bundle verification against ``sha256sum`` of the same bundle (issue 8).

Run: ``python bench/bench_deploy.py [--size-mb 200] [--repeat 3]``

In a temporary folder it writes a payload of ``--size-mb`` MB (eight web
assets of random bytes plus a vehicle profile), builds and signs one bundle,
then measures, best of ``--repeat`` runs with the file in the page cache:

* **sha256sum**: the coreutils tool hashing the whole archive;
* **hashlib**: Python's SHA-256 of the whole archive (the ceiling for verify;
  it may beat sha256sum where OpenSSL uses the CPU's SHA instructions);
* **verify**: :func:`cardeck.deploy.verify_bundle` (tar headers, signature,
  manifest, paths, and a streamed SHA-256 of every payload file);
* **install**: :meth:`cardeck_sim.install.Installer.install` (verify, then
  unpack with re-hashing, fsync, and the atomic swap), for reference.

Goal: verify throughput ≥ 0.8× that of sha256sum. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cardeck.deploy import build_bundle, generate_keypair, verify_bundle

GOAL = 0.8


def _best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def _hashlib_file(path: Path) -> str:
    # What Python's OpenSSL-backed SHA-256 alone does: the ceiling for verify.
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _write_payload(root: Path, size_mb: int) -> None:
    web = root / "web"
    web.mkdir(parents=True)
    parts = 8
    per_file = size_mb * 1024 * 1024 // parts
    block = os.urandom(1 << 20)
    for i in range(parts):
        with (web / f"asset-{i}.bin").open("wb") as fh:
            left = per_file
            while left:
                n = min(left, len(block))
                # Vary each MiB so no two blocks are equal (no dedup shortcuts anywhere).
                fh.write(block[:n][:-8] + left.to_bytes(8, "little") if n >= 8 else block[:n])
                left -= n
    (root / "profiles").mkdir()
    profile = Path(__file__).resolve().parents[1] / "layouts" / "vehicles" / "polestar-2.yaml"
    text = profile.read_text().replace("id: polestar-2", "id: bench-car", 1)
    (root / "profiles" / "bench-car.yaml").write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200, help="payload size (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    args = parser.parse_args()
    if shutil.which("sha256sum") is None:
        print("sha256sum is not installed; install coreutils to run this benchmark.")
        return 1
    with tempfile.TemporaryDirectory(prefix="cardeck-bench-deploy-") as tmp:
        root = Path(tmp)
        keys = generate_keypair(root / "keys", "bench")
        _write_payload(root / "payload", args.size_mb)
        bundle = root / "bench-1.0.0.cdbundle"
        start = time.perf_counter()
        build_bundle(
            root / "payload",
            bundle,
            key=keys.private_path,
            name="bench",
            version="1.0.0",
            target_vehicles=["bench-car"],
        )
        build_s = time.perf_counter() - start
        size = bundle.stat().st_size
        mb = size / 1e6
        sha_cmd = ["sha256sum", str(bundle)]
        subprocess.run(sha_cmd, check=True, capture_output=True)  # Warm the page cache.
        sha_s = _best(lambda: subprocess.run(sha_cmd, check=True, capture_output=True), args.repeat)
        verify_s = _best(lambda: verify_bundle(bundle, [keys.public_path]), args.repeat)
        hashlib_s = _best(lambda: _hashlib_file(bundle), args.repeat)

        from cardeck_sim.install import Installer

        counter = iter(range(1_000_000))

        def install() -> None:
            installer = Installer(
                root / f"hu-{next(counter)}",
                [keys.public_path],
                "bench-car",
                max_bundle_bytes=size * 2,
            )
            installer.install(bundle)
            shutil.rmtree(installer.root)

        install_s = _best(install, args.repeat)

    ratio = sha_s / verify_s
    rows = [
        ("build + sign", build_s, "once"),
        ("sha256sum", sha_s, "1.00×"),
        ("hashlib.sha256 (whole file)", hashlib_s, f"{sha_s / hashlib_s:.2f}×"),
        ("verify_bundle", verify_s, f"{ratio:.2f}×"),
        ("install (verify+stage+swap)", install_s, f"{sha_s / install_s:.2f}×"),
    ]
    print(f"Bundle: {mb:.0f} MB, best of {args.repeat}, page cache warm.")
    print(f"{'step':<30} {'seconds':>8} {'MB/s':>8} {'vs sha256sum':>13}")
    for name, seconds, rel in rows:
        print(f"{name:<30} {seconds:>8.3f} {mb / seconds:>8.0f} {rel:>13}")
    verdict = "meets" if ratio >= GOAL else "misses"
    print(f"verify runs at {ratio:.2f}× sha256sum's throughput: {verdict} the goal of ≥ {GOAL}×.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
