"""Short trainings through the client: progress, the cache, and cancellation that stops the service's training."""

from __future__ import annotations

import grpc
import pytest
from conftest import RunningService

from knas_client import CancelledError, KnasClient, TrainingOptions, TrainingProgress
from knas_client.stubs.knas.v1 import cache_pb2, cache_pb2_grpc, scoring_pb2

# Small trainings on the generated data set, of index 3: a cheap cell (its canonical form is one skip connection).
TINY = TrainingOptions(epochs=2, train_size=64, held_out_size=64, batch_size=32)
# 200 epochs of 125 steps: hours on a CPU, so only a cancellation ends it within the test.
ENDLESS = TrainingOptions(epochs=200, train_size=4000, batch_size=32)


def cached(target: str, architecture: int, options: TrainingOptions, seed: int) -> bool:
    """Whether the service's cache holds this training's result (ScoreCacheService.LookupScore)."""
    with grpc.insecure_channel(target) as channel:
        response = cache_pb2_grpc.ScoreCacheServiceStub(channel).LookupScore(cache_pb2.LookupScoreRequest(
            request=scoring_pb2.ScoreArchitectureRequest(
                architecture=scoring_pb2.Architecture(nb201_index=architecture),
                fidelity=scoring_pb2.FIDELITY_SHORT_TRAINING,
                options=scoring_pb2.EvaluationOptions(dataset="synthetic", seed=seed),
                short_training=options.to_proto())), timeout=60)
    return response.found


def test_a_training_reports_every_step_and_its_repeat_is_a_cache_hit(client: KnasClient) -> None:
    progress: list[TrainingProgress] = []
    result = client.train(3, TINY, dataset="synthetic", seed=1, on_progress=progress.append)
    assert [p.step for p in progress] == [1, 2, 3, 4]
    assert [p.epoch for p in progress] == [1, 1, 2, 2]
    assert [p.epoch_end for p in progress] == [False, True, False, True]
    assert all(p.total_steps == 4 and p.epochs == 2 for p in progress)
    assert result.curve == (progress[1], progress[3])
    assert not result.cache_hit and result.provenance.definition_version == "sgd-nb201/1"
    assert 0 <= result.held_out_accuracy <= 100

    repeated: list[TrainingProgress] = []
    again = client.train(3, TINY, dataset="synthetic", seed=1, on_progress=repeated.append)
    assert again.cache_hit and again.cache_key == result.cache_key and not repeated
    assert again.held_out_accuracy == result.held_out_accuracy and again.curve == result.curve
    assert client.score(3, "short_training", training=TINY, dataset="synthetic", seed=1).value == \
        result.held_out_accuracy


def test_cancelling_a_training_stops_it_on_the_service(service: RunningService, client: KnasClient) -> None:
    progress: list[TrainingProgress] = []

    def stop_at_once(step: TrainingProgress) -> bool:
        progress.append(step)
        return False

    with pytest.raises(CancelledError) as cancelled:
        client.train(3, ENDLESS, dataset="synthetic", seed=2, on_progress=stop_at_once)
    assert cancelled.value.code == grpc.StatusCode.CANCELLED
    assert [p.step for p in progress] == [1]

    # The service trains one at a time: this training can only run once the cancelled one has let its slot go,
    # long before its 25,000 steps. Its deadline fails the test otherwise.
    assert client.train(3, TrainingOptions(epochs=1, train_size=64, held_out_size=64, batch_size=32),
                        dataset="synthetic", seed=2, timeout=300).curve
    assert not cached(service.target, 3, ENDLESS, seed=2), "a cancelled training cached a result"


def test_an_exception_in_on_progress_cancels_the_training_and_propagates(service: RunningService,
                                                                        client: KnasClient) -> None:
    class Stop(Exception):
        pass

    def fail(step: TrainingProgress) -> None:
        raise Stop(step.step)

    with pytest.raises(Stop):
        client.train(3, ENDLESS, dataset="synthetic", seed=3, on_progress=fail)
    assert client.train(3, TINY, dataset="synthetic", seed=3, timeout=300).curve
    assert not cached(service.target, 3, ENDLESS, seed=3)
