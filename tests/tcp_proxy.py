"""A TCP proxy on a loopback port, to make a real database unreachable in a test.

Modes, switchable while it runs: "pass" forwards to the real server; "blackhole"
accepts connections and never answers (a dead host behind a firewall that
drops packets looks like this to the client); "refuse" closes the port.
"""

from __future__ import annotations

import socket
import socketserver
import threading

from tests.smtp_server import _free_port


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        proxy = self.server.owner
        if proxy.mode != "pass":
            proxy.released.wait(60)
            return
        upstream = socket.create_connection(proxy.upstream, timeout=30)
        pipes = [
            threading.Thread(target=_pipe, args=(self.request, upstream), daemon=True),
            threading.Thread(target=_pipe, args=(upstream, self.request), daemon=True),
        ]
        for pipe in pipes:
            pipe.start()
        for pipe in pipes:
            pipe.join()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    owner: TCPProxy


class TCPProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.mode = "pass"
        self.released = threading.Event()
        self.port = _free_port()
        self._server: _Server | None = None
        self._listen()

    def _listen(self) -> None:
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.owner = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def set_mode(self, mode: str) -> None:
        if mode == "refuse" and self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        elif mode != "refuse" and self._server is None:
            self._listen()
        if mode != "blackhole":
            self.released.set()
            self.released = threading.Event()
        self.mode = mode

    def stop(self) -> None:
        self.set_mode("refuse")
