"""Build hook of knas-client: generates the gRPC stubs from the repository's proto/ at build time.

Nothing generated is committed. Each build compiles the contract (../../proto/src/main/proto) and the two vendored
third-party protos (proto/) into the package knas_client.stubs, and copies the contract's gRPC service config
(../../proto/src/main/resources/knas/v1/service_config.json) into the package, so the client always matches the
contract of its checkout. An sdist carries that contract with it, in contract/ (same layout as proto/src/main/), so
it builds anywhere; a build prefers contract/ when it is there. Metadata lives in pyproject.toml.

The compiler is `protoc` with `grpc_python_plugin` (Debian: protobuf-compiler-grpc; libprotobuf-dev for the
well-known types), whose versions match Debian's python3-protobuf and python3-grpcio. `grpc_tools.protoc` is the
fallback where those are absent (pip's grpcio-tools); Debian's own python3-grpc-tools bundles protoc 3.5, which
rejects the contract's proto3 `optional` fields.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
BUNDLED_CONTRACT = "contract"
"""Where an sdist carries the contract: protos under proto/, the service config under resources/."""
REPOSITORY_CONTRACT = HERE.parent.parent / "proto" / "src" / "main"
CONTRACT = HERE / BUNDLED_CONTRACT if (HERE / BUNDLED_CONTRACT).is_dir() else REPOSITORY_CONTRACT
CONTRACT_PROTOS = CONTRACT / "proto"
SERVICE_CONFIG_PATH = Path("resources") / "knas" / "v1" / "service_config.json"
SERVICE_CONFIG = CONTRACT / SERVICE_CONFIG_PATH
VENDORED_PROTOS = HERE / "proto"

MESSAGE_FILES = ["knas/v1/scoring.proto", "knas/v1/cache.proto", "google/rpc/status.proto",
                 "grpc/health/v1/health.proto"]
SERVICE_FILES = ["knas/v1/scoring.proto", "knas/v1/cache.proto", "grpc/health/v1/health.proto"]
STUBS_PACKAGE = "knas_client.stubs"

# protoc's Python output imports other generated files by their proto package ("from knas.v1 import ..."), which
# would make knas, google.rpc and grpc.health top-level packages (colliding with grpcio's own `grpc`). Rewriting
# those imports places them under knas_client.stubs instead; google.protobuf stays the runtime's own.
GENERATED_IMPORT = re.compile(r"^from (knas\.v1|google\.rpc|grpc\.health\.v1) import ", re.MULTILINE)


def protoc_command() -> list[str]:
    """The protoc invocation with the gRPC Python plugin, preferring the system's compiler."""
    protoc = shutil.which("protoc")
    plugin = shutil.which("grpc_python_plugin")
    if protoc and plugin:
        return [protoc, f"--plugin=protoc-gen-grpc_python={plugin}"]
    try:
        import grpc_tools
    except ImportError:
        raise SystemExit("knas-client: generating the gRPC stubs needs protoc and grpc_python_plugin (Debian: "
                         "apt-get install protobuf-compiler-grpc libprotobuf-dev) or grpcio-tools") from None
    return [sys.executable, "-m", "grpc_tools.protoc", f"-I{Path(grpc_tools.__file__).parent / '_proto'}"]


def generate_stubs(package_dir: Path) -> None:
    """Compiles the protos into package_dir (knas_client/stubs), a package per proto package."""
    for source in (CONTRACT_PROTOS, SERVICE_CONFIG):
        if not source.exists():
            raise SystemExit(f"knas-client: {source} is missing; build from a checkout of the whole repository "
                             f"or from the sdist")
    shutil.rmtree(package_dir, ignore_errors=True)
    with tempfile.TemporaryDirectory() as out:
        command = protoc_command() + [f"-I{CONTRACT_PROTOS}", f"-I{VENDORED_PROTOS}"]
        subprocess.run(command + [f"--python_out={out}", f"--pyi_out={out}"] + MESSAGE_FILES, check=True)
        subprocess.run(command + [f"--grpc_python_out={out}"] + SERVICE_FILES, check=True)
        for generated in sorted(Path(out).rglob("*.py*")):
            target = package_dir / generated.relative_to(out)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(GENERATED_IMPORT.sub(rf"from {STUBS_PACKAGE}.\1 import ", generated.read_text()))
    for directory in [package_dir, *(p for p in package_dir.rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()
    (package_dir / "__init__.py").write_text('"""Generated at build time from the knas.v1 contract; do not edit."""\n')


class BuildPyWithStubs(build_py):
    """build_py that also generates knas_client.stubs and packages the service config."""

    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "knas_client"
        generate_stubs(package / "stubs")
        shutil.copyfile(SERVICE_CONFIG, package / "service_config.json")


class SdistWithContract(sdist):
    """sdist that also carries the contract's protos and service config (contract/), for builds outside the
    checkout."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        bundled = Path(base_dir) / BUNDLED_CONTRACT
        for proto in sorted(CONTRACT_PROTOS.rglob("*.proto")):
            target = bundled / "proto" / proto.relative_to(CONTRACT_PROTOS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(proto, target)
        (bundled / SERVICE_CONFIG_PATH).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SERVICE_CONFIG, bundled / SERVICE_CONFIG_PATH)


setup(cmdclass={"build_py": BuildPyWithStubs, "sdist": SdistWithContract})
