"""A real SMTP server on a loopback port, for the mail fault tests.

Modes, switchable while it runs:
- "accept": a normal server; every message it takes is kept in `messages`;
- "refuse": answers 550 to every recipient;
- "hang": accepts the connection and never says a word;
- "down": the port is closed, so connecting is refused.

It speaks just enough SMTP for Django's backend (EHLO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT), without TLS or authentication.
"""

from __future__ import annotations

import email
import socket
import socketserver
import threading
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self) -> None:
        owner = self.server.owner
        owner.connections += 1
        if owner.mode == "hang":
            owner.hung.wait(60)
            return
        self._say("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._say("250-test")
                self._say("250 8BITMIME")
            elif command.startswith("RCPT"):
                if owner.mode == "refuse":
                    self._say("550 5.1.1 mailbox unavailable")
                else:
                    self._say("250 ok")
            elif command == "DATA":
                self._say("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                with owner.lock:
                    owner.messages.append(email.message_from_bytes(data))
                self._say("250 queued")
            elif command == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    owner: SMTPServer


class SMTPServer:
    def __init__(self, mode: str = "accept") -> None:
        self.mode = mode
        self.messages: list[Message] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.hung = threading.Event()
        self.port = _free_port()
        self._server: _Server | None = None
        if mode != "down":
            self._listen()

    def _listen(self) -> None:
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.owner = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def set_mode(self, mode: str) -> None:
        """Switch behaviour; "down" closes the port and any other mode opens it again."""
        if mode == "down" and self._server is not None:
            self._close()
        elif mode != "down" and self._server is None:
            self._listen()
        if mode != "hang":
            self.hung.set()  # let hanging connections go
            self.hung = threading.Event()
        self.mode = mode

    def mailers(self, timeout: int = 2) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": self.port,
                    "use_tls": False,
                    "timeout": timeout,
                },
            }
        }

    def _close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    def stop(self) -> None:
        self.hung.set()
        if self._server is not None:
            self._close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
