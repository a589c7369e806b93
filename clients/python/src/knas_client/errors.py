"""Errors of the service as exceptions that keep the gRPC status code and the service's own message."""

from __future__ import annotations

import grpc


class KnasError(Exception):
    """A call the service refused or could not answer.

    `code` is the gRPC status, `message` the service's text (it names the bad field and the reason), `position`
    the batch entry it belongs to, if any. Catch a subclass to handle one status, e.g. InvalidArgumentError.
    """

    def __init__(self, code: grpc.StatusCode, message: str, *, position: int | None = None) -> None:
        where = f"entry {position}: " if position is not None else ""
        super().__init__(f"{where}{code.name}: {message}")
        self.code = code
        self.message = message
        self.position = position


class InvalidArgumentError(KnasError):
    """A malformed request: bad architecture, unknown data set or proxy, an option out of range."""


class NotFoundError(KnasError):
    """An architecture the service's benchmark table lacks."""


class FailedPreconditionError(KnasError):
    """Something the service does not have: a GPU, a data set's files, a benchmark table."""


class OutOfRangeError(KnasError):
    """A value that is not finite, e.g. synflow of a cell whose output depends on no weight."""


class ResourceExhaustedError(KnasError):
    """The service's work queue was full, still after the service config's retries."""


class UnavailableError(KnasError):
    """The service could not be reached, still after the service config's retries."""


class ConnectionFailedError(UnavailableError):
    """A channel's first connection failed, for a reason retrying would not change, so it was not retried.

    `target` is the address the client connected to, `cause` what went wrong in words (connection refused, a
    host name that does not resolve, a certificate the client does not trust, a service that wants a client
    certificate, plaintext to a TLS port or TLS to a plaintext port), and `details` gRPC's own description.
    """

    def __init__(self, target: str, cause: str, details: str) -> None:
        super().__init__(grpc.StatusCode.UNAVAILABLE, f"cannot connect to {target}: {cause}")
        self.target = target
        self.cause = cause
        self.details = details


class DeadlineExceededError(KnasError):
    """The call's deadline passed; a training is stopped on the service."""


class CancelledError(KnasError):
    """The call was cancelled, e.g. by a training's on_progress callback."""


class UnauthenticatedError(KnasError):
    """The service wants a valid bearer token (KnasClient's token)."""


class PermissionDeniedError(KnasError):
    """The token is valid but not allowed this call."""


_ERROR_CLASSES: dict[grpc.StatusCode, type[KnasError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRangeError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.CANCELLED: CancelledError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
}

_STATUS_CODES: dict[int, grpc.StatusCode] = {code.value[0]: code for code in grpc.StatusCode}


def status_code(number: int) -> grpc.StatusCode:
    """The grpc.StatusCode of a google.rpc.Status code number."""
    return _STATUS_CODES.get(number, grpc.StatusCode.UNKNOWN)


def knas_error(code: grpc.StatusCode, message: str, *, position: int | None = None) -> KnasError:
    """The KnasError subclass for a status code (KnasError itself for codes without one)."""
    return _ERROR_CLASSES.get(code, KnasError)(code, message, position=position)


def from_rpc_error(error: grpc.RpcError) -> KnasError:
    """The KnasError of a failed gRPC call."""
    if isinstance(error, grpc.Call):
        return knas_error(error.code(), error.details() or "")
    return KnasError(grpc.StatusCode.UNKNOWN, str(error))
