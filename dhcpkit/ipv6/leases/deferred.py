"""
Lease commits held back to the end of a batch of transactions.

A pool handler makes a transaction's lease changes durable in ``post()``, so that its Reply can only leave once they
are. A worker thread that answers several requests in a row does better to hold their Replies back, commit the
changes of all of them at once, and then send them: one commit (one ``fsync`` in ``lease-sync = full``) per batch
instead of one per transaction, and no wait on the disk in the middle of a batch. The worker asks for that with
:func:`deferring_commits` around one transaction; :func:`sync_or_defer`, which pool handlers call instead of
``store.sync()``, then records the changes instead of committing them, and the worker calls
:meth:`DeferredCommits.commit` before it sends the Reply. Outside such a block (tests, tools, a site's own code that
calls a message handler) nothing changes: the changes are durable when ``post()`` returns.
"""
import threading
from types import TracebackType
from typing import Any

from dhcpkit.ipv6.leases import LeaseStore

__all__ = ['DeferredCommits', 'deferring_commits', 'sync_or_defer']

_this_thread = threading.local()


class DeferredCommits:
    """The lease changes of one transaction whose commit its caller has taken over."""

    __slots__ = ('syncs',)

    def __init__(self) -> None:
        self.syncs: list[tuple[LeaseStore, list[Any]]] = []

    def __bool__(self) -> bool:
        return bool(self.syncs)

    def commit(self) -> None:
        """
        Make the changes durable. Where other transactions' changes were queued in the same store meanwhile, the
        first of them to commit commits them all; the others find theirs committed already.

        :raises Exception: what the store raises when it cannot commit (for SQLite a
                           :class:`~dhcpkit.ipv6.leases.sqlite_store.LeaseStoreError`): the changes are not durable
                           and must not be promised to the client
        """
        syncs, self.syncs = self.syncs, []
        for store, pending in syncs:
            store.sync(pending)


def deferring_commits(deferred: DeferredCommits) -> '_Deferring':
    """
    Within this block, :func:`sync_or_defer` in this thread records lease changes in ``deferred`` instead of
    committing them; the caller must call ``deferred.commit()`` before it lets the response leave.

    :param deferred: where the changes go
    :return: the ``with`` block, which gives ``deferred``
    """
    return _Deferring(deferred)


class _Deferring:
    """
    The ``with`` block of :func:`deferring_commits`. The worker enters one for every transaction: a plain object costs a
    third of what a generator-based context manager does.
    """

    __slots__ = ('deferred', 'outer')

    def __init__(self, deferred: DeferredCommits):
        self.deferred = deferred
        self.outer: DeferredCommits | None = None

    def __enter__(self) -> DeferredCommits:
        self.outer = getattr(_this_thread, 'deferred', None)
        _this_thread.deferred = self.deferred
        return self.deferred

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        _this_thread.deferred = self.outer


def sync_or_defer(store: LeaseStore, pending: list[Any]) -> None:
    """
    Make a transaction's queued lease changes durable now, or, inside :func:`deferring_commits`, leave that to the
    caller who asked for it. Either way ``pending`` is empty afterwards.

    :param store: the store the changes were queued in
    :param pending: the changes, as collected by the store's ``claim()`` and ``update()``
    """
    deferred: DeferredCommits | None = getattr(_this_thread, 'deferred', None)
    if deferred is None:
        store.sync(pending)
    elif pending:
        deferred.syncs.append((store, pending[:]))
        pending.clear()
