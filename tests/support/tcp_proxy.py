"""A TCP forwarder a test owns, in front of a real server (PostgreSQL): the network
between the app and its database, which the test can cut and restore.

    with TcpProxy("127.0.0.1", 5432) as proxy:
        url = proxy.url(POSTGRES_URL)   # the same database, through the proxy
        proxy.cut()       # every open connection closed, new ones refused
        proxy.restore()   # new connections forwarded again (same port)
        proxy.hang()      # new connections accepted but never answered (a dead host)

    with app_database(url):   # the app's sessions on that database for the block
        ...

Plain threads: one accepting, two per connection copying bytes each way.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import sqlalchemy as sa
from reflex import model as reflex_model
from reflex.model import get_engine
from reflex_base.config import get_config

_CHUNK = 65536
_POLL = 0.05  # seconds between checks of the accepting loop for a cut


class TcpProxy:
    """Forwards 127.0.0.1:<port> to (host, port) until cut; see the module docstring."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._hanging = False
        self.accepted = 0  # connections accepted so far (forwarded or held)

    # ----- control ---------------------------------------------------------------

    def start(self) -> TcpProxy:
        """Listen (on a free port the first time, on the same port after a cut)."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(_POLL)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(
            target=self._accept, args=(listener,), name="tcp-proxy-accept", daemon=True
        )
        self._acceptor.start()
        return self

    def cut(self) -> None:
        """The database is gone: new connections are refused (nothing listens) and
        every open one is closed, as when the server or the network goes away."""
        self._stop_listening()
        self._close_all()

    def restore(self) -> None:
        """The database is back: connections are forwarded again, on the same port."""
        self._hanging = False
        if self._listener is None:
            self.start()

    def hang(self) -> None:
        """A host that does not answer: open connections are closed and new ones are
        accepted but never forwarded, so a client waits until its own timeout."""
        self._close_all()
        self._hanging = True
        if self._listener is None:
            self.start()

    def close(self) -> None:
        """Stop for good: nothing listens, every connection closed."""
        self.cut()

    def url(self, database_url: str) -> str:
        """``database_url`` with its host and port replaced by the proxy's."""
        return (
            sa.make_url(database_url)
            .set(host="127.0.0.1", port=self.port)
            .render_as_string(hide_password=False)
        )

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ----- the threads -----------------------------------------------------------

    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._acceptor is not None:
            self._acceptor.join()
            self._acceptor = None

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the copying threads
            sock.close()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                if self._listener is not listener:
                    return
                continue
            except OSError:  # closed by cut()
                return
            self.accepted += 1
            client.settimeout(None)
            self._track(client)
            if self._hanging:
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._track(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._copy, args=(source, sink), name="tcp-proxy-copy", daemon=True
                ).start()

    @staticmethod
    def _copy(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(_CHUNK):
                sink.sendall(data)
        except OSError:
            pass
        # One side ended: end the other too (the server closed, or the client did).
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def app_database(url: str) -> Iterator[sa.engine.Engine]:
    """Within the block the app's sessions (services/database.get_session, the Tabs'
    sign-in) use the database at ``url``, through an engine Reflex makes for it with its
    own options, as a backend process of the app does; disposed afterwards."""
    config = get_config()
    before = config.db_url
    config.db_url = url
    try:
        yield get_engine()
    finally:
        config.db_url = before
        engine = reflex_model._ENGINE.pop(url, None)
        if engine is not None:
            engine.dispose()
