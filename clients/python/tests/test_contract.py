"""The package against the contract it was built from: vendored protos, the service config, the op encoding."""

from __future__ import annotations

import json
import zipfile

import pytest
from conftest import REPO

from knas_client import EDGES, NB201_OPERATIONS, nb201_string, service_config
from knas_client.architecture import operation_name, operation_number, to_proto
from knas_client.stubs.grpc.health.v1 import health_pb2
from knas_client.stubs.knas.v1 import cache_pb2, scoring_pb2

PYTHON_CLIENT = REPO / "clients" / "python"
SERVICE_LIBRARIES = REPO / "scoring-service" / "target" / "lib"


@pytest.mark.parametrize("proto, artifact", [("google/rpc/status.proto", "proto-google-common-protos-*.jar"),
                                             ("grpc/health/v1/health.proto", "grpc-services-*.jar")])
def test_vendored_protos_equal_the_ones_the_service_is_built_with(proto: str, artifact: str) -> None:
    jars = sorted(SERVICE_LIBRARIES.glob(artifact))
    assert len(jars) == 1, f"expected one {artifact} in {SERVICE_LIBRARIES} (run mvn package): {jars}"
    with zipfile.ZipFile(jars[0]) as jar:
        expected = jar.read(proto)
    assert (PYTHON_CLIENT / "proto" / proto).read_bytes() == expected, (
        f"clients/python/proto/{proto} differs from {jars[0].name}'s: copy it again (clients/python/proto/README.md)")


def test_the_packaged_service_config_is_the_contracts() -> None:
    contract = REPO / "proto" / "src" / "main" / "resources" / "knas" / "v1" / "service_config.json"
    assert service_config() == contract.read_text(encoding="utf-8")


def test_the_service_config_names_only_real_methods_and_leaves_trainings_without_timeout() -> None:
    services = {**scoring_pb2.DESCRIPTOR.services_by_name, **cache_pb2.DESCRIPTOR.services_by_name,
                **health_pb2.DESCRIPTOR.services_by_name}
    configured = {}
    for method_config in json.loads(service_config())["methodConfig"]:
        if "retryPolicy" in method_config:
            assert set(method_config["retryPolicy"]["retryableStatusCodes"]) == {"UNAVAILABLE",
                                                                                 "RESOURCE_EXHAUSTED"}
        for name in method_config["name"]:
            service = services[name["service"].rsplit(".", 1)[-1]]
            assert service.full_name == name["service"]
            assert name["method"] in service.methods_by_name, name
            configured[f"{name['service']}/{name['method']}"] = method_config
    assert "timeout" not in configured["knas.v1.ScoringService/ShortTrain"]
    assert "timeout" not in configured["knas.v1.ScoringService/ScoreArchitecture"]
    # A health check is a probe: it reports the state now, so it is not retried.
    assert "retryPolicy" not in configured["grpc.health.v1.Health/Check"]
    assert all("retryPolicy" in configured[f"knas.v1.ScoringService/{method}"]
               for method in scoring_pb2.DESCRIPTOR.services_by_name["ScoringService"].methods_by_name)
    assert set(configured) >= {f"knas.v1.ScoringService/{method}"
                               for method in scoring_pb2.DESCRIPTOR.services_by_name["ScoringService"].methods_by_name}


def test_op_names_map_to_the_operation_enum_of_the_same_name() -> None:
    for name in NB201_OPERATIONS:
        number = operation_number(name)
        assert scoring_pb2.Operation.Name(number) == "OPERATION_" + name.upper()
        assert operation_name(number) == name
    with pytest.raises(ValueError, match="unknown operation 'conv5'"):
        operation_number("conv5")
    with pytest.raises(ValueError):
        operation_name(scoring_pb2.OPERATION_UNSPECIFIED)


def test_architecture_forms() -> None:
    ops = ["nor_conv_3x3", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "nor_conv_3x3", "skip_connect"]
    assert nb201_string(ops) == ("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
                                 "skip_connect~2|")
    assert EDGES == ("1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2")
    assert to_proto(ops).edges.ops == [scoring_pb2.OPERATION_NOR_CONV_3X3, scoring_pb2.OPERATION_NOR_CONV_3X3,
                                       scoring_pb2.OPERATION_AVG_POOL_3X3, scoring_pb2.OPERATION_SKIP_CONNECT,
                                       scoring_pb2.OPERATION_NOR_CONV_3X3, scoring_pb2.OPERATION_SKIP_CONNECT]
    assert to_proto(1).WhichOneof("form") == "nb201_index"
    assert to_proto(nb201_string(ops)).WhichOneof("form") == "nb201_string"
    with pytest.raises(TypeError):
        to_proto(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown operation 'conv5'"):
        to_proto(["conv5"] * 6)

