"""Runtime configuration: one `Settings` object, built once and passed into `create_app`.

Every field can be set from the environment with the `ENVELOPES_` prefix
(for example `ENVELOPES_JWT_SECRET`). Nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Used only when `dev_mode` is on and no secret was given; refused otherwise.
DEV_JWT_SECRET = "envelopes-development-secret-do-not-use-in-production"  # noqa: S105
_KNOWN_WEAK_SECRETS = {DEV_JWT_SECRET, "secret", "changeme", "change-me", ""}
_REPO_ROOT = Path(__file__).resolve().parents[2]
_WEB_MANIFEST = _REPO_ROOT / "web" / "src" / "gql" / "persisted-documents.json"


class InsecureSettingsError(ValueError):
    """The settings would run the service insecurely outside development mode."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENVELOPES_", extra="ignore")

    mongodb_uri: str = "mongodb://127.0.0.1:27017/?replicaSet=rs0"
    mongodb_database: str = "envelopes"
    server_selection_timeout_ms: int = Field(default=5000, ge=100)

    jwt_secret: str | None = None
    dev_mode: bool = False
    production: bool = False

    access_token_ttl_seconds: int = Field(default=15 * 60, ge=1)
    refresh_token_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    # The browser's refresh-token cookie is Secure: always, never, or when the request came
    # over https (as uvicorn sees it, after --proxy-headers).
    cookie_secure: Literal["auto", "true", "false"] = "auto"

    # How long a process trusts a login it found open (0: ask MongoDB on every request).
    login_check_cache_seconds: float = Field(default=1.0, ge=0, le=60)

    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=60, ge=1)

    # argon2id cost (RFC 9106 "low memory" profile by default); tests lower it.
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=8)
    password_hash_parallelism: int = Field(default=4, ge=1)

    max_query_depth: int = Field(default=10, ge=2)
    max_aliases: int = Field(default=15, ge=0)
    max_tokens: int = Field(default=2000, ge=50)
    # Estimated objects a request may return (see app/graphql/engine/cost.py); lists without a
    # page size count as `query_cost_list_size` items.
    max_query_cost: int = Field(default=5000, ge=1)
    query_cost_list_size: int = Field(default=10, ge=1)
    # Bounds the database work of one request (PyMongo's client-side operation timeout).
    request_timeout_seconds: float = Field(default=10, gt=0)

    # Files sent to POST /uploads (app/uploads.py): a bank file for an import, or a household
    # backup to restore. Larger ones are refused (413) and nothing of them is kept.
    upload_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    backup_max_bytes: int = Field(default=2 * 1024 * 1024 * 1024, ge=1024)

    # Requests to /graphql per sliding minute, shared by every API process (in MongoDB).
    rate_limit_enabled: bool = True
    rate_limit_per_user_per_minute: int = Field(default=600, ge=1)
    rate_limit_per_ip_per_minute: int = Field(default=1200, ge=1)

    # The scheduler (app/services/scheduling/worker.py): every API process runs it; a lease
    # in MongoDB lets one work at a time. A pass posts at most `scheduler_batch_size` due
    # occurrences (a backlog after downtime takes several passes), then sleeps.
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = Field(default=30, gt=0, le=3600)
    scheduler_lease_seconds: float = Field(default=60, gt=0, le=3600)
    scheduler_batch_size: int = Field(default=500, ge=1, le=10_000)

    # Import jobs (app/services/imports): rows booked per transaction, and how long a job's
    # process may go without a batch before another process takes the job over.
    import_batch_size: int = Field(default=1000, ge=1, le=5000)
    import_lease_seconds: float = Field(default=30, gt=0, le=3600)

    # Webhooks (app/services/webhooks): targets on private, loopback, link-local… addresses
    # are refused (server-side request forgery); this lets loopback through, for
    # self-hosting next to the receiver and for the tests. Deliveries wait at most
    # `webhooks_timeout_seconds` for an answer.
    webhooks_allow_loopback: bool = False
    webhooks_timeout_seconds: float = Field(default=10, gt=0, le=60)

    # Persisted operations (app/graphql/engine/persisted.py). Clients may send a document's
    # SHA-256 instead of its text (Apollo's automatic persisted queries): each API process
    # learns up to `persisted_queries_cache_size` documents (least recently used out).
    # The trusted documents are the web app's manifest and the operator's
    # `trusted_documents_extra` (a manifest, a .graphql file or a folder of them). The manifest
    # is by default the served app's (`web_dir`/persisted-documents.json, copied there by its
    # build), else, with no build, the one `npm run codegen` wrote in web/src/gql/. They are
    # known by hash from the start and prepared once. "optional" (the default, in production
    # too): other documents run as well. "required": only the trusted documents run (others
    # get OPERATION_NOT_TRUSTED, APQ learns nothing), the manifest must exist, and GraphiQL
    # is off (its documents would all be refused).
    trusted_documents: Literal["optional", "required"] = "optional"
    trusted_documents_manifest: Path | None = None
    trusted_documents_extra: Path | None = None
    persisted_queries_cache_size: int = Field(default=1000, ge=0, le=100_000)

    playground_assets_dir: Path = _REPO_ROOT / "playground" / "node_modules"
    # The built web app (`npm run build` in web/), served at /.
    web_dir: Path = _REPO_ROOT / "web" / "dist"

    # Serving (`python -m app.serve`): uvicorn with `workers` processes sharing one socket
    # on host:port (0: one per core this process may use). X-Forwarded-For/-Proto (the
    # client address the rate limits count, https for cookies) are believed only from
    # `forwarded_allow_ips` (comma-separated addresses or networks, or "*"; unset: uvicorn's
    # own FORWARDED_ALLOW_IPS, else 127.0.0.1). Behind an ingress, set it to the proxy's.
    workers: int = Field(default=0, ge=0, le=64)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    proxy_headers: bool = True
    forwarded_allow_ips: str | None = None

    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"

    @model_validator(mode="after")
    def _refuse_insecure(self) -> Settings:
        if self.dev_mode and self.production:
            raise InsecureSettingsError("dev_mode and production cannot both be on")
        if self.jwt_secret is None and self.dev_mode:
            self.jwt_secret = DEV_JWT_SECRET
        secret = self.jwt_secret or ""
        if not self.dev_mode and (secret in _KNOWN_WEAK_SECRETS or len(secret) < 32):
            raise InsecureSettingsError(
                "ENVELOPES_JWT_SECRET must be set to a random value of at least 32 characters "
                "(or set ENVELOPES_DEV_MODE=true on a development machine)"
            )
        return self

    @property
    def secret(self) -> str:
        if self.jwt_secret is None:  # the validator makes this impossible
            raise InsecureSettingsError("no JWT secret")
        return self.jwt_secret

    @property
    def trusted_documents_manifest_path(self) -> Path:
        if self.trusted_documents_manifest is not None:
            return self.trusted_documents_manifest
        built = self.web_dir / "persisted-documents.json"
        return built if built.is_file() else _WEB_MANIFEST

    @property
    def playground_enabled(self) -> bool:
        return not self.production and self.trusted_documents != "required"

    @property
    def introspection_enabled(self) -> bool:
        return not self.production
