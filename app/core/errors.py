"""The one exception tree of the service.

`AppError` carries a machine `code` and a human `message`. The GraphQL layer turns an
`AppError` raised by a service into a `userErrors` entry (in mutations) or a top-level error
with `extensions.code` (in queries and for authentication); any other exception is masked as
"Unexpected error" and logged with the request id.

    AppError
    ├── ValidationError      VALIDATION       bad input; `field` names the input path
    │   ├── FileRefused      FILE_REFUSED     a whole file is not the bank file it claims to be
    │   │                                       (app.services.imports.formats.model)
    │   └── FileTooLarge     TOO_LARGE        an upload past its size limit (app.services.uploads)
    ├── NotFoundError        NOT_FOUND        absent, or not visible to the caller
    ├── ConflictError        CONFLICT         clashes with existing state (duplicate email…)
    ├── ForbiddenError       FORBIDDEN        visible, but the caller's role may not do this
    ├── InsufficientFundsError INSUFFICIENT_FUNDS  an envelope would go below zero where the
    │                                           account does not allow it
    ├── ReconciledError      RECONCILED       the entry is reconciled: reopen the reconciliation
    │                                           before changing or undoing it
    ├── BalanceMismatchError BALANCE_MISMATCH the statement balance is not the cleared balance;
    │                                           `difference` (statement - cleared, minor units)
    ├── UrlRefusedError      URL_REFUSED      a webhook URL that is not http(s) on a public
    │                                           address (app.domain.webhooks)
    ├── UnauthenticatedError UNAUTHENTICATED  missing, expired, tampered or revoked credentials
    ├── RateLimitedError     RATE_LIMITED     too many attempts; `retry_after` seconds
    ├── UnavailableError     UNAVAILABLE      the database cannot serve now; safe to retry
    └── RequestTimeoutError  TIMEOUT          the request ran out of its time budget; retry
                                              (money mutations with the same idempotency key)
"""

from __future__ import annotations

from collections.abc import Sequence


class AppError(Exception):
    code = "INTERNAL"

    def __init__(self, message: str, *, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = list(field) if field is not None else None


class ValidationError(AppError):
    code = "VALIDATION"


class NotFoundError(AppError):
    code = "NOT_FOUND"


class ConflictError(AppError):
    code = "CONFLICT"


class ForbiddenError(AppError):
    code = "FORBIDDEN"


class InsufficientFundsError(AppError):
    code = "INSUFFICIENT_FUNDS"


class ReconciledError(AppError):
    code = "RECONCILED"


class BalanceMismatchError(AppError):
    code = "BALANCE_MISMATCH"

    def __init__(
        self, message: str, *, difference: int, currency: str, field: Sequence[str] | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.difference = difference
        self.currency = currency


class UnauthenticatedError(AppError):
    code = "UNAUTHENTICATED"


class RateLimitedError(AppError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnavailableError(AppError):
    code = "UNAVAILABLE"


class RequestTimeoutError(AppError):
    code = "TIMEOUT"
