"""A tab keeps its state when the app instance its websocket was on dies.

Reflex 0.10.1 (reflex/utils/token_manager.RedisTokenManager) records in Redis which
instance holds each tab's websocket (by the tab's token), and deletes the record when
the socket disconnects. When a websocket arrives with a token that has a record, Reflex
takes it for a duplicated browser tab and gives the tab a new token: a new, empty
state. But an instance that is killed (a crash, a machine lost) deletes nothing, its
records live on for an hour (redis_token_expiration), and every tab that was on it
reconnects to another instance as a "duplicate": everything typed and not yet saved
is gone.

So every instance (each worker process: Reflex gives each its own instance id) says it
is alive in Redis, a key that expires ALIVE_TTL seconds after its last refresh. A
websocket whose token is recorded for another instance waits until either the record
goes (the old socket disconnected: a reload racing its own disconnect), or the owner's
key expires (the instance is dead: the tab takes its token and its state over), or, the
owner being alive, twice ALIVE_TTL has passed (a real duplicate tab: Reflex's rule, a new
token). A duplicated tab whose original is on another instance therefore connects up
to 2 x ALIVE_TTL seconds later; nothing else waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle

from reflex.utils.tasks import ensure_task
from reflex.utils.token_manager import RedisTokenManager, SocketRecord

logger = logging.getLogger(__name__)

ALIVE_TTL = 3.0  # seconds an instance counts as alive after its last refresh
ALIVE_EVERY = 1.0  # seconds between refreshes
_POLL = 0.2


def alive_key(instance_id: str) -> str:
    return f"cloudlink_instance_alive_{instance_id}"


class CrashSafeTokenManager(RedisTokenManager):
    """RedisTokenManager that lets a tab take its token back from a dead instance."""

    _alive_task: asyncio.Task | None = None

    async def _say_alive(self) -> None:
        await self.redis.set(alive_key(self.instance_id), b"1", px=int(ALIVE_TTL * 1000))

    async def _keep_alive(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # Redis away: the key expires, as it should
                await self._say_alive()
            await asyncio.sleep(ALIVE_EVERY)

    async def _owner_gone(self, token: str) -> None:
        """Return once `token` may be linked here (see the module's docstring); its
        record is deleted when its owner is dead."""
        key = self._get_redis_key(token)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2 * ALIVE_TTL
        while True:
            raw = await self.redis.get(key)
            if raw is None:
                return
            record = pickle.loads(raw)  # noqa: S301 - Reflex's own record, in our Redis
            if not isinstance(record, SocketRecord) or record.instance_id == self.instance_id:
                return  # this instance's own: Reflex's rule applies
            if not await self.redis.exists(alive_key(record.instance_id)):
                # The instance died with the socket: the tab is back, keep its token.
                logger.info("A tab's instance died: the tab keeps its token and state here")
                await self.redis.delete(key)
                self.token_to_socket.pop(token, None)
                return
            if loop.time() >= deadline:
                # The owner lives and keeps the socket: a duplicated tab.
                logger.warning("A tab's token is held by a live instance: a new token")
                return
            await asyncio.sleep(_POLL)

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        ensure_task(
            owner=self,
            task_attribute="_alive_task",
            coro_function=self._keep_alive,
            suppress_exceptions=[Exception],
        )
        try:
            await self._say_alive()  # before any record of ours exists
            await self._owner_gone(token)
        except Exception:  # noqa: BLE001 - Redis trouble: Reflex's own handling follows
            logger.warning("Linking a tab's token failed: Reflex's rule applies", exc_info=True)
        new_token = await super().link_token_to_sid(token, sid)
        if new_token is not None:
            # Reflex found the token linked to another websocket after all. Said apart
            # from the live owner above: another connection of the same token linked it
            # while this one waited (a duplicated tab, or one tab connecting twice).
            logger.warning("A tab's token was linked by another websocket: a new token")
        return new_token


def install(app) -> None:
    """Use CrashSafeTokenManager where Reflex made a RedisTokenManager (app.py)."""
    namespace = app.event_namespace
    current = getattr(namespace, "_token_manager", None)
    if type(current) is RedisTokenManager:
        namespace._token_manager = CrashSafeTokenManager(current.redis)
