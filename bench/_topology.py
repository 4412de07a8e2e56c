"""The production topology for the event benchmark: the topology run's own
(tests/support/topology.py: nginx with deploy/nginx's files in front of two `make serve`
instances with two Granian workers each) on a new PostgreSQL database and Redis,
with the demo partner able to sign in.

PostgreSQL and Redis are throwaway servers started for the run and stopped after it
(tests/support/services.py, as `make test` starts them when the machine has none):
the machine's own servers are never used, so the figures do not depend on what else
they hold. Like the browser tests' topology, the database is migrated and holds the
demo data, its partners unmarked as demo partners (the app runs as in production,
outside demo mode, where demo accounts cannot sign in).

The benchmark's imports of tests.support: the topology is the one `make topology`
tests, kept in one place (`make bench` sets up what `make test` does for it: nginx,
PostgreSQL, redis-server).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench import _server
from tests.support import services, topology

# Reflex's switch for holding a tab's Redis lock between events
# (reflex/istate/manager/redis.py, StateManagerRedis._oplock_enabled).
OPLOCK = "REFLEX_OPLOCK_ENABLED"


@dataclasses.dataclass
class BenchTopology(topology.Topology):
    """The topology whose instances get ``extra`` variables in their environment."""

    extra: dict[str, str] = dataclasses.field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        return {**super().environment(), **self.extra}

    def restart(self, **extra: str) -> None:
        """Both instances again with ``extra`` (the build kept; nginx stays)."""
        self.extra = {**self.extra, **extra}
        for instance in self.instances:
            self.stop_instance(instance)
        for instance in self.instances:
            self.start_instance(instance, build=False)


def _prepare(database_url: str, env: dict[str, str]) -> None:
    """Migrate the database, load the demo data, unmark the demo partners."""
    import sqlalchemy as sa

    from cloudlink_app.models import Partner

    env = {**env, "REFLEX_DB_URL": database_url}
    for command in (
        [str(Path(sys.executable).with_name("reflex")), "db", "migrate"],
        [sys.executable, "-m", "cloudlink_app.demo_data"],
    ):
        subprocess.run(command, cwd=_server.ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.update(Partner).values(is_demo=False))
    engine.dispose()


@contextlib.contextmanager
def running(**extra: str) -> Iterator[BenchTopology]:
    """The topology started with ``extra`` in its instances' environment; everything
    stopped and removed afterwards."""
    with services.running_services(own=True) as (postgres, redis_service):
        database_url = topology.create_database(postgres.url)
        directory = Path(tempfile.mkdtemp(prefix="cloudlink-bench-topology-"))
        started = None
        try:
            # The one-worker backend's environment (demo mode, its secret key) for
            # loading the demo data; the instances get the same secret key.
            env = _server.environment(directory)
            _prepare(database_url, env)
            started = BenchTopology(
                database_url,
                redis_service.url,
                env["CLOUDLINK_SECRET_KEY"],
                directory,
                extra={"CLOUDLINK_LOG_LEVEL": "WARNING", **extra},
            )
            started.start()
            yield started
        finally:
            if started is not None:
                started.stop()
            shutil.rmtree(directory, ignore_errors=True)
            with contextlib.suppress(Exception):
                topology.drop_database(database_url)
