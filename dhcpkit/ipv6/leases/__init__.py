"""
Leases and the store that keeps them.

A lease binds one resource (an address for IA_NA, a prefix for IA_PD) to one client's IA (DUID + IAID). The store is
an interface so that the embedded SQLite store (:mod:`dhcpkit.ipv6.leases.sqlite_store`) can be replaced by a shared
database that several servers use; pools only ever talk to :class:`LeaseStore`.

The promise every store keeps: when :meth:`LeaseStore.claim` or :meth:`LeaseStore.update` returns, the change is
durable, so the server only puts a lease in a Reply after the lease would survive a crash. A caller that makes
several changes for one Reply may collect them in a list of pending changes instead and make them durable together
with :meth:`LeaseStore.sync` before the Reply leaves.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Iterable

from dhcpkit.ipv6.leases.lifecycle import LeaseState

__all__ = ['Lease', 'LeaseStore', 'LEASE_TYPE_NA', 'LEASE_TYPE_PD', 'FOREVER']

LEASE_TYPE_NA = 'na'
LEASE_TYPE_PD = 'pd'

#: The timestamp stored for leases with an infinite lifetime (RFC 8415 section 7.7)
FOREVER = 2 ** 62


@dataclass(slots=True)
class Lease:
    """
    One lease as stored.

    :ivar resource: the address (``2001:db8::1``) or prefix (``2001:db8:100::/56``) in canonical text form
    :ivar lease_type: :data:`LEASE_TYPE_NA` or :data:`LEASE_TYPE_PD`
    :ivar pool: the id of the pool it belongs to
    :ivar duid: the client's DUID in wire format
    :ivar iaid: the client's 4-byte IAID
    :ivar state: where it is in its lifecycle
    :ivar preferred_until: UNIX time when it stops being preferred (:data:`FOREVER` for infinite)
    :ivar valid_until: UNIX time when it stops being valid (or, when declined, when the quarantine ends)
    :ivar updated: UNIX time of the last change
    """
    resource: str
    lease_type: str
    pool: str
    duid: bytes
    iaid: bytes
    state: LeaseState
    preferred_until: int
    valid_until: int
    updated: int

    def effective_state(self, now: float) -> LeaseState:
        """
        The state taking time into account: a bound lease past its valid time has expired, a declined one past its
        quarantine is free.

        :param now: the current UNIX time
        :return: the state
        """
        if self.state == LeaseState.BOUND and self.valid_until <= now:
            return LeaseState.EXPIRED
        if self.state == LeaseState.DECLINED and self.valid_until <= now:
            return LeaseState.FREE
        return self.state

    def belongs_to(self, duid: bytes, iaid: bytes, lease_type: str) -> bool:
        """
        :param duid: a client's DUID
        :param iaid: an IAID
        :param lease_type: the lease type
        :return: whether this lease is that IA's
        """
        return self.duid == duid and self.iaid == iaid and self.lease_type == lease_type


class LeaseStore(ABC):
    """
    Where leases live. Implementations must be safe to call from many threads at once, and must make every change
    durable before returning from a method that changes something.
    """

    @abstractmethod
    def get(self, resource: str) -> Lease | None:
        """
        :param resource: an address or prefix in canonical text form
        :return: the lease record of that resource, if any
        """

    @abstractmethod
    def find_by_client(self, duid: bytes, iaid: bytes, lease_type: str) -> list[Lease]:
        """
        :param duid: the client's DUID
        :param iaid: the IAID
        :param lease_type: the lease type
        :return: every lease record of that IA, in any state
        """

    @abstractmethod
    def claim(self, lease: Lease, now: int, pending: list[Any] | None = None) -> bool:
        """
        Store `lease` if its resource is free: no record, or a record that is released, expired, past its quarantine,
        or already the same IA's. Atomic: of two concurrent claims of one resource, exactly one succeeds.

        :param lease: the lease to store
        :param now: the current UNIX time
        :param pending: when given, the change is added to this list and may not be durable yet: the caller must
                        :meth:`sync` the list before telling a client
        :return: whether the lease is now stored (durably, unless `pending` was given)
        """

    @abstractmethod
    def update(self, lease: Lease, pending: list[Any] | None = None) -> bool:
        """
        Change a lease that the same IA already holds (new lifetimes, release, decline).

        :param lease: the new version of the lease
        :param pending: as for :meth:`claim`
        :return: whether a record of that IA was there to update
        """

    @abstractmethod
    def sync(self, pending: list[Any]) -> None:
        """
        Make the changes collected in `pending` durable, and empty the list.

        :param pending: the list given to :meth:`claim` and :meth:`update`
        :raises Exception: when the changes could not be stored; they must not be promised to a client
        """

    @abstractmethod
    def used_resources(self, pool: str, now: int) -> set[str]:
        """
        :param pool: a pool id
        :param now: the current UNIX time
        :return: the resources of the pool that are bound or quarantined now
        """

    @abstractmethod
    def leases(self) -> Iterable[Lease]:
        """
        :return: every lease record, for tools
        """

    @abstractmethod
    def delete(self, resource: str) -> bool:
        """
        Remove a lease record, for operators.

        :param resource: the resource
        :return: whether there was one
        """

    def close(self) -> None:
        """Release the store's resources."""
