"""The package stands alone: its sdist carries the contract it compiles, and builds a complete wheel outside the
checkout."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from conftest import REPO

import knas_client

PYTHON_CLIENT = REPO / "clients" / "python"
CONTRACT = REPO / "proto" / "src" / "main"


def test_the_sdist_builds_a_complete_wheel_outside_the_checkout(tmp_path: Path) -> None:
    assert not tmp_path.is_relative_to(REPO)
    sdists = tmp_path / "sdist"
    subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta; "
                    "build_meta.build_sdist(sys.argv[1])", str(sdists)],
                   cwd=PYTHON_CLIENT, check=True, capture_output=True)
    [sdist] = sdists.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked")
    [source] = (tmp_path / "unpacked").iterdir()
    for proto in CONTRACT.joinpath("proto").rglob("*.proto"):
        bundled = source / "contract" / "proto" / proto.relative_to(CONTRACT / "proto")
        assert bundled.read_bytes() == proto.read_bytes()
    assert not (source / "tests").exists()

    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
                            "--wheel-dir", str(tmp_path / "wheel"), str(source)],
                           cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = (tmp_path / "wheel").glob("knas_client-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        config = archive.read("knas_client/service_config.json")
        [metadata] = [name for name in names if name.endswith(".dist-info/METADATA")]
        headers = archive.read(metadata).decode()
    assert {"knas_client/stubs/knas/v1/scoring_pb2.py", "knas_client/stubs/knas/v1/scoring_pb2_grpc.py",
            "knas_client/stubs/knas/v1/cache_pb2_grpc.py", "knas_client/stubs/grpc/health/v1/health_pb2_grpc.py",
            "knas_client/stubs/google/rpc/status_pb2.py", "knas_client/py.typed", "knas_client/transport.py"} <= names
    assert config == (CONTRACT / "resources" / "knas" / "v1" / "service_config.json").read_bytes()
    assert f"\nVersion: {knas_client.__version__}\n" in headers
    assert "# knas-client: the Python client of the KNAS scoring service" in headers  # the README
