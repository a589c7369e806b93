"""Python client of the KNAS scoring service (knas.v1 over gRPC).

KnasClient scores NAS-Bench-201 architectures at any fidelity, in batches, and trains them briefly with progress;
knas_client.optuna (needs optuna) searches the space with Optuna. The generated gRPC stubs are in
knas_client.stubs, for the rarely used calls.
"""

__version__ = "0.2.0"

from knas_client.architecture import EDGES, NB201_OPERATIONS, ArchitectureLike, nb201_string
from knas_client.client import KnasClient, ProgressCallback, TrainingOptions, service_config
from knas_client.errors import (CancelledError, ConnectionFailedError, DeadlineExceededError,
                                FailedPreconditionError, InvalidArgumentError, KnasError, NotFoundError,
                                OutOfRangeError, PermissionDeniedError, ResourceExhaustedError,
                                UnauthenticatedError, UnavailableError)
from knas_client.results import (BatchResult, CacheStats, ErrorStatus, Fidelity, Provenance, ProxyInfo,
                                 ProxyScore, ResolvedArchitecture, Score, TrainingProgress, TrainingResult)

__all__ = [
    "__version__",
    "EDGES", "NB201_OPERATIONS", "ArchitectureLike", "nb201_string",
    "KnasClient", "ProgressCallback", "TrainingOptions", "service_config",
    "CancelledError", "ConnectionFailedError", "DeadlineExceededError", "FailedPreconditionError",
    "InvalidArgumentError", "KnasError", "NotFoundError", "OutOfRangeError", "PermissionDeniedError",
    "ResourceExhaustedError", "UnauthenticatedError", "UnavailableError",
    "BatchResult", "CacheStats", "ErrorStatus", "Fidelity", "Provenance", "ProxyInfo", "ProxyScore",
    "ResolvedArchitecture", "Score", "TrainingProgress", "TrainingResult",
]
