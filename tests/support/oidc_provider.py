"""A real OpenID Connect provider for the single sign-on tests: PyPI's
oidc-provider-mock (a Flask app built on Authlib's server side) served by werkzeug on
127.0.0.1, on a free port, in a thread. Its issuer is ``http://127.0.0.1:PORT``; any
client ID and secret are accepted; ``set_user`` gives a subject its claims."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Iterator

import httpx
import oidc_provider_mock
import werkzeug.serving

# The provider refuses http:// unless told (Authlib's server side); the app's own checks
# (services/sso_config.py) allow http:// on a loopback address whatever this says.
INSECURE_TRANSPORT_ENV = "AUTHLIB_INSECURE_TRANSPORT"


@dataclasses.dataclass
class Provider:
    """The running provider."""

    issuer: str

    def set_user(self, sub: str, **claims: object) -> None:
        """The claims the provider gives ``sub`` (email, email_verified ...)."""
        response = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """What the provider's own page does when ``sub`` is chosen: the redirect to the
        app's callback (its URL, with ``code`` and ``state``)."""
        response = httpx.post(authorization_url, data={"sub": sub}, timeout=5)
        assert response.status_code == 302, response.text
        return response.headers["location"]


@contextlib.contextmanager
def oidc_provider(*, require_nonce: bool = True) -> Iterator[Provider]:
    """A provider on 127.0.0.1 while the context lasts."""
    previous = os.environ.get(INSECURE_TRANSPORT_ENV)
    os.environ[INSECURE_TRANSPORT_ENV] = "1"
    app = oidc_provider_mock.app(require_nonce=require_nonce)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        if previous is None:
            os.environ.pop(INSECURE_TRANSPORT_ENV, None)
        else:
            os.environ[INSECURE_TRANSPORT_ENV] = previous
