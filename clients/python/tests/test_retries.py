"""The contract's service config in action: a refused call is retried as the config says, then raised."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest
from conftest import running_service

from knas_client import KnasClient, ResourceExhaustedError, service_config


def test_a_full_queue_is_retried_with_backoff_then_raised(tmp_path: Path) -> None:
    [config] = [method_config for method_config in json.loads(service_config())["methodConfig"]
                if {"service": "knas.v1.ScoringService", "method": "ScoreArchitecture"} in method_config["name"]]
    attempts = config["retryPolicy"]["maxAttempts"]
    # With no room in the engine's queue, this service refuses every computation with RESOURCE_EXHAUSTED.
    with running_service(tmp_path, "--queue-capacity", "0", "--default-dataset", "synthetic") as busy, \
            KnasClient(busy.target) as client:
        with pytest.raises(ResourceExhaustedError) as refused:
            client.score(1, samples=2)
        assert refused.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "queue is full" in refused.value.message
        assert len(busy.log_lines("ScoreArchitecture refused: RESOURCE_EXHAUSTED")) == attempts
