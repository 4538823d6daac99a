"""A webhook receiver on loopback for the tests: a real HTTP server in a thread that keeps
every request it gets and answers with the statuses it is told, in order (then 200)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    host: str
    port: int
    scheme: str = "http"
    statuses: list[int] = field(default_factory=list)  # the next answers, then 200
    received: list[Received] = field(default_factory=list)

    def url(self, path: str = "/hook", host: str | None = None) -> str:
        shown = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{self.scheme}://{shown}:{self.port}{path}"

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        receiver = self.server.receiver
        headers = {name.lower(): value for name, value in self.headers.items()}
        receiver.received.append(Received(self.path, headers, body))
        status = receiver.answer()
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    receiver: Receiver


class _Server6(_Server):
    address_family = socket.AF_INET6


@contextmanager
def receiver_on_loopback(
    host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
) -> Iterator[Receiver]:
    """A receiver on `host` (over https with `tls`, a server context with its certificate)."""
    server = (_Server6 if ":" in host else _Server)((host, 0), _Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.receiver = Receiver(host, server.server_address[1], "http" if tls is None else "https")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.receiver
    finally:
        server.shutdown()
        server.server_close()
