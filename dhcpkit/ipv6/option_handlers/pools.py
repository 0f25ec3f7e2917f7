"""
Dynamic pools: ``[option AddressPool <link prefix>]`` hands out addresses for IA_NA, ``[option PrefixPool <link
prefix>]`` delegates prefixes for IA_PD, with leases kept in the lease store of the state directory.

A request belongs to a pool's link when the link prefix (the section id) holds the request's link address: the
receiving interface's global address, or the link-address of the relay closest to the client. Every change to a lease
goes through the lifecycle table in :mod:`dhcpkit.ipv6.leases.lifecycle`; a lease is durable in the store before
the handler puts it in a Reply.
"""
import itertools
import threading
import time
from collections import OrderedDict
from ipaddress import IPv6Address, IPv6Network
from typing import Any, ClassVar, Iterator

from dhcpkit.ipv6 import INFINITY
from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.leases import FOREVER, Lease, LeaseStore
from dhcpkit.ipv6.leases.deferred import sync_or_defer
from dhcpkit.ipv6.leases.lifecycle import LeaseAction, LeaseEvent, LeaseState, transition
from dhcpkit.ipv6.leases.pools import AddressRange, Pool, PrefixRange, address_of, network_of
from dhcpkit.ipv6.leases.sqlite_store import open_lease_store, release_lease_store
from dhcpkit.ipv6.messages import (ConfirmMessage, DeclineMessage, RebindMessage, ReleaseMessage, RenewMessage,
                                   ReplyMessage, RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.option_handlers.links import answer_confirm, lifetimes_from_section, link_from_section_id
from dhcpkit.ipv6.options import ClientIdOption, IAAddressOption, IANAOption
from dhcpkit.ipv6.text import address_text, network_text
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['AddressPoolOptionHandler', 'PrefixPoolOptionHandler']

#: How long an offer in an Advertise holds a resource for the client (RFC 8415 leaves this to the server)
OFFER_TIME = 60

#: At most this many offers per pool are remembered; a new one pushes out the oldest. Offers are only a courtesy
#: (a Request claims any free resource), and without a bound a flood of Solicits from made-up DUIDs would grow the
#: daemon's memory by about 400 bytes per Solicit for OFFER_TIME
MAX_OFFERS = 1 << 16

#: Where a transaction's lease changes wait (in ``bundle.handler_data``) until ``post()`` makes them durable
PENDING_LEASE_CHANGES = 'pending-lease-changes'

#: How many positions to try from a client's start position before scanning the pool's used resources
PROBES = 64

#: Pools up to this size may be scanned whole when probing finds nothing free
SCAN_LIMIT = 1 << 20

# The lifecycle event of each client message (a Solicit depends on Rapid Commit, see event_for)
_EVENTS = {RequestMessage: LeaseEvent.REQUEST, RenewMessage: LeaseEvent.RENEW, RebindMessage: LeaseEvent.REBIND,
           ReleaseMessage: LeaseEvent.RELEASE, DeclineMessage: LeaseEvent.DECLINE}


class PoolOptionHandler(OptionHandler):
    """
    What address and prefix pools share: link selection, the lifecycle, the store and the offers.

    :ivar link: the prefix of the link this pool serves
    :ivar pool: the resources
    :ivar preferred_lifetime: seconds (or INFINITY)
    :ivar valid_lifetime: seconds (or INFINITY)
    :ivar quarantine_time: how long a declined resource stays out of use
    """

    ia_class: ClassVar[type[IANAOption] | type[IAPDOption]]
    section_name: ClassVar[str]

    def __init__(self, link: IPv6Network, pool: Pool, preferred_lifetime: int, valid_lifetime: int,
                 quarantine_time: int = 3600):
        if preferred_lifetime > valid_lifetime:
            raise ValueError("preferred-lifetime may not be longer than valid-lifetime")
        self.link = link
        # The link test of every transaction, as integers: `address in self.link` costs several times more
        self._link_network = int(link.network_address)
        self._link_mask = int(link.netmask)
        self.pool = pool
        self.preferred_lifetime = preferred_lifetime
        self.valid_lifetime = valid_lifetime
        self.quarantine_time = quarantine_time
        self.store: LeaseStore | None = None
        # Offers made in Advertise messages, in memory only: resource -> (duid, iaid, expiry), and IA -> resource.
        # Oldest first: an OrderedDict, because a plain dict finds its first entry by skipping every one deleted
        # before it, which made each offer cost 24 us once MAX_OFFERS were held and the oldest gave way to each new one
        self._offers: OrderedDict[str, tuple[bytes, bytes, float]] = OrderedDict()
        self._offer_of: dict[tuple[bytes, bytes], str] = {}
        self._offers_lock = threading.Lock()
        self._last_purge = 0.0

    @classmethod
    def parse_section(cls, section: ConfigSection, link: IPv6Network) -> Pool:
        """
        Read the pool's own keys.

        :param section: the configuration section
        :param link: the link prefix from the section id
        :return: the pool
        """
        raise NotImplementedError

    @classmethod
    def from_config(cls, section: ConfigSection, option_handler_id: str | None = None) -> 'PoolOptionHandler':
        link = link_from_section_id(section, option_handler_id, cls.section_name)
        pool = cls.parse_section(section, link)
        preferred, valid = lifetimes_from_section(section)
        quarantine = section.get_duration('quarantine-time', 3600)
        assert quarantine is not None
        return cls(link, pool, preferred, valid, quarantine)

    def open(self, config: dict[str, Any]) -> None:
        self.store = open_lease_store(config['server']['state-directory'], config['server'].get('lease-sync', 'full'))

    def close(self) -> None:
        if self.store is not None:
            release_lease_store(self.store)  # type: ignore[arg-type]
            self.store = None

    # What a lease looks like on the wire

    def lease_option(self, resource: str, preferred: int, valid: int) -> Option:
        """
        :param resource: the address or prefix
        :param preferred: the preferred lifetime to give
        :param valid: the valid lifetime to give
        :return: the IA Address or IA Prefix option
        """
        raise NotImplementedError

    def resources_in(self, ia: IANAOption | IAPDOption) -> list[str]:
        """
        :param ia: an IA option from the request
        :return: the resources the client lists in it
        """
        raise NotImplementedError

    # The transaction

    def handle(self, bundle: TransactionBundle) -> None:
        ia_class = self.ia_class
        ias = [ia for ia in bundle.get_unanswered_ia_options() if isinstance(ia, ia_class)]
        confirm = isinstance(bundle.request, ConfirmMessage)
        if (not (ias or confirm) or self.store is None
                or int(bundle.get_link_address()) & self._link_mask != self._link_network):
            return
        client_id = bundle.request.get_option_of_type(ClientIdOption)
        if client_id is None or client_id.duid is None:
            return
        if confirm:
            self.confirm(bundle)
            return
        event = self.event_for(bundle)
        if event is None:
            return
        duid = client_id.duid.save()
        now = int(time.time())
        pending: list[Any] = bundle.handler_data.setdefault(PENDING_LEASE_CHANGES, [])
        for ia in ias:
            answer = self.answer_ia(ia, duid, event, now, pending)
            if answer is not None:
                assert bundle.response is not None
                if answer.options or event not in (LeaseEvent.RELEASE, LeaseEvent.DECLINE):
                    bundle.response.options.append(answer)
                bundle.mark_handled(ia)

    def post(self, bundle: TransactionBundle) -> None:
        """
        Make this transaction's lease changes durable before the response can leave: one commit for all of them
        (and for other threads' changes waiting at the same moment), now or, when the worker defers it, just before
        the worker sends the response (see :mod:`dhcpkit.ipv6.leases.deferred`).
        """
        pending = bundle.handler_data.get(PENDING_LEASE_CHANGES)
        if pending and self.store is not None:
            sync_or_defer(self.store, pending)

    @staticmethod
    def event_for(bundle: TransactionBundle) -> LeaseEvent | None:
        """
        :param bundle: the transaction
        :return: the lifecycle event of the request, or None when pools have nothing to do with it
        """
        request = bundle.request
        if isinstance(request, SolicitMessage):
            return LeaseEvent.REQUEST if isinstance(bundle.response, ReplyMessage) else LeaseEvent.SOLICIT
        return _EVENTS.get(type(request))

    def answer_ia(self, ia: IANAOption | IAPDOption, duid: bytes, event: LeaseEvent, now: int,
                  pending: list[Any]) -> IANAOption | IAPDOption | None:
        """
        Decide what one IA gets.

        :param ia: the IA from the request
        :param duid: the client's DUID in wire format
        :param event: the lifecycle event
        :param now: the current UNIX time
        :param pending: where lease changes wait until :meth:`post` makes them durable
        :return: the IA for the response, or None to leave the IA to others (and finally to a status code)
        """
        assert self.store is not None
        if now - self._last_purge > OFFER_TIME:
            self._last_purge = now
            self.purge_offers(now)
        previous = self.store.find_by_client(duid, ia.iaid, self.pool.lease_type)
        if previous:
            previous = [lease for lease in previous if self.pool.contains(lease.resource)]
            held = [lease for lease in previous if lease.effective_state(now) == LeaseState.BOUND]
        else:
            held = previous  # a new client: nothing to filter
        if event in (LeaseEvent.SOLICIT, LeaseEvent.REQUEST):
            return self.assign(ia, duid, event, held, now, pending, previous)
        if event in (LeaseEvent.RENEW, LeaseEvent.REBIND):
            return self.extend(ia, duid, event, held, now, pending)
        return self.give_back(ia, event, held, now, pending)

    def assign(self, ia: IANAOption | IAPDOption, duid: bytes, event: LeaseEvent, held: list[Lease],
               now: int, pending: list[Any], previous: list[Lease]) -> IANAOption | IAPDOption | None:
        """
        Offer or commit one resource for a Solicit, Request or Rapid Commit Solicit.

        :param held: the IA's bound leases in this pool
        :param previous: all the IA's lease records in this pool, newest first
        """
        if held:
            action, _state = transition(LeaseState.BOUND, event)
            lease = held[0]
            if action == LeaseAction.EXTEND:
                lease = self.renewed(lease, now)
                if not self.lease_store.update(lease, pending):
                    return None
            return self.ia_with(ia, [lease.resource])
        for resource, state in self.free_candidates(ia, duid, now, previous):
            action, _state = transition(state, event)
            if action == LeaseAction.OFFER:
                self.remember_offer(resource, duid, ia.iaid, now + OFFER_TIME)
                return self.ia_with(ia, [resource])
            if action == LeaseAction.COMMIT:
                lease = self.renewed(Lease(resource, self.pool.lease_type, self.pool.pool_id, duid, ia.iaid,
                                           LeaseState.BOUND, 0, 0, now), now)
                if self.lease_store.claim(lease, now, pending):
                    with self._offers_lock:
                        self._forget_offer(resource)
                        self._forget_offer_of(duid, ia.iaid)
                    return self.ia_with(ia, [resource])
        return None

    def extend(self, ia: IANAOption | IAPDOption, duid: bytes, event: LeaseEvent, held: list[Lease],
               now: int, pending: list[Any]) -> IANAOption | IAPDOption | None:
        """Extend the IA's leases for a Renew or Rebind (RFC 8415 sections 18.3.4 and 18.3.5)."""
        listed = self.resources_in(ia)
        if not held:
            action, _state = transition(LeaseState.FREE, event)
            assert action == LeaseAction.NO_BINDING
            off_link = [resource for resource in listed if not self.pool.contains(resource)]
            if event == LeaseEvent.REBIND and listed and len(off_link) == len(listed):
                # RFC 8415 18.3.5: leases that are not appropriate for the link get lifetimes of zero
                return self.ia_with(ia, [], zero_lifetimes=off_link)
            return None
        renewed = []
        for lease in held:
            action, _state = transition(LeaseState.BOUND, event)
            assert action == LeaseAction.EXTEND
            lease = self.renewed(lease, now)
            if self.lease_store.update(lease, pending):
                renewed.append(lease.resource)
        # RFC 8415 18.3.4: what the client lists that it does not hold here gets lifetimes of zero
        stale = [resource for resource in listed if resource not in renewed]
        return self.ia_with(ia, renewed, zero_lifetimes=stale)

    def give_back(self, ia: IANAOption | IAPDOption, event: LeaseEvent, held: list[Lease],
                  now: int, pending: list[Any]) -> IANAOption | IAPDOption | None:
        """Release or decline the leases the client lists (RFC 8415 sections 18.3.7 and 18.3.8)."""
        listed = set(self.resources_in(ia))
        matched = [lease for lease in held if lease.resource in listed]
        if not matched:
            return None
        for lease in matched:
            action, new_state = transition(LeaseState.BOUND, event)
            if action == LeaseAction.FREE:
                lease.state, lease.valid_until, lease.preferred_until = new_state, now, now
            elif action == LeaseAction.QUARANTINE:
                lease.state = new_state
                lease.preferred_until = now
                lease.valid_until = now + self.quarantine_time
            lease.updated = now
            self.lease_store.update(lease, pending)
        # Released and declined IAs are not repeated in the Reply: an empty IA tells handle() to leave it out
        return self.ia_class(ia.iaid)

    def confirm(self, bundle: TransactionBundle) -> None:
        """Judge a Confirm (RFC 8415 section 18.3.3); address pools know their link, prefix pools leave it."""
        if self.ia_class is IANAOption:
            answer_confirm(bundle, self.link)

    # Helpers

    @property
    def lease_store(self) -> LeaseStore:
        """The open lease store (between :meth:`open` and :meth:`close`)."""
        if self.store is None:
            raise RuntimeError(f"{type(self).__name__} is used without being opened")
        return self.store

    def renewed(self, lease: Lease, now: int) -> Lease:
        """The lease with lifetimes counted from now."""
        lease.state = LeaseState.BOUND
        lease.preferred_until = FOREVER if self.preferred_lifetime == INFINITY else now + self.preferred_lifetime
        lease.valid_until = FOREVER if self.valid_lifetime == INFINITY else now + self.valid_lifetime
        lease.updated = now
        return lease

    def availability(self, resource: str, duid: bytes, iaid: bytes, now: int,
                     take_others_old: bool) -> LeaseState | None:
        """
        Whether a resource may be offered to or claimed for this IA, and in which state the lifecycle sees it.

        :param take_others_old: also take resources that another client released or let expire
        :return: None when it is not available; else OFFERED when it is offered to this IA, or its state in the
                 store (FREE when the store has no record)
        """
        # One read of one dict is atomic; the lock keeps the two offer dicts consistent for writers
        offer = self._offers.get(resource)
        offered_here = False
        if offer is not None and offer[2] > now:
            if offer[0] != duid or offer[1] != iaid:
                return None
            offered_here = True
        assert self.store is not None
        lease = self.store.get(resource)
        if lease is None:
            return LeaseState.OFFERED if offered_here else LeaseState.FREE
        state = lease.effective_state(now)
        if state in (LeaseState.BOUND, LeaseState.DECLINED):
            return None
        if not (lease.belongs_to(duid, iaid, self.pool.lease_type) or state == LeaseState.FREE or take_others_old):
            return None
        return LeaseState.OFFERED if offered_here else state

    def free_candidates(self, ia: IANAOption | IAPDOption, duid: bytes, now: int,
                        previous: list[Lease]) -> Iterator[tuple[str, LeaseState]]:
        """
        The resources to try for an IA with their states, best first: what we offered it, what it asks for, what it
        had, then its hash position onwards, then (for pools small enough) anything unused.

        :param previous: the IA's lease records in this pool, newest first
        """
        offer = self._offer_of.get((duid, ia.iaid))  # atomic, as in availability()
        preferred = [offer] if offer else []
        if ia.options:
            preferred += [resource for resource in self.resources_in(ia) if self.pool.contains(resource)]
        preferred += [lease.resource for lease in previous]
        checked: set[str] = set()
        yielded: set[str] = set()
        for resource in itertools.chain(preferred, self.pool.candidates(duid, ia.iaid, PROBES)):
            if resource not in checked:
                checked.add(resource)
                state = self.availability(resource, duid, ia.iaid, now, False)
                if state is not None:
                    yielded.add(resource)
                    yield resource, state
        if self.pool.size <= SCAN_LIMIT:
            # Unused resources first; other clients' released and expired ones only when nothing else is left
            assert self.store is not None
            used = self.store.used_resources(self.pool.pool_id, now)
            for take_others_old, skip in ((False, checked), (True, yielded)):
                for index in range(self.pool.size):
                    resource = self.pool.resource_at(index)
                    if resource in used or resource in skip:
                        continue
                    state = self.availability(resource, duid, ia.iaid, now, take_others_old)
                    if state is not None:
                        yielded.add(resource)
                        yield resource, state

    def remember_offer(self, resource: str, duid: bytes, iaid: bytes, expires: float) -> None:
        """
        Hold a resource for an IA until `expires`. An IA holds one offer at a time, and a resource one IA; when
        :data:`MAX_OFFERS` are held, the oldest gives way.
        """
        with self._offers_lock:
            self._forget_offer(resource)
            self._forget_offer_of(duid, iaid)
            while len(self._offers) >= MAX_OFFERS:
                self._forget_offer(next(iter(self._offers)))
            # Inserted last, so the offers stay in the order they were made, which is also the order they expire in
            self._offers[resource] = (duid, iaid, expires)
            self._offer_of[duid, iaid] = resource

    def _forget_offer(self, resource: str) -> None:
        """Drop the offer of a resource from both dicts (the caller holds the lock)."""
        offer = self._offers.pop(resource, None)
        if offer is not None and self._offer_of.get((offer[0], offer[1])) == resource:
            del self._offer_of[offer[0], offer[1]]

    def _forget_offer_of(self, duid: bytes, iaid: bytes) -> None:
        """Drop the offer an IA holds, if any, from both dicts (the caller holds the lock)."""
        resource = self._offer_of.pop((duid, iaid), None)
        if resource is not None and self._offers.get(resource, (None, None))[:2] == (duid, iaid):
            del self._offers[resource]

    def purge_offers(self, now: float) -> None:
        """
        Forget offers whose time is over, oldest first, up to the first that still runs. Every offer lasts OFFER_TIME,
        so the rest run too (unless the clock went back: those wait for their turn, and availability() ignores an
        offer past its time anyway).
        """
        with self._offers_lock:
            while self._offers:
                resource, offer = next(iter(self._offers.items()))
                if offer[2] > now:
                    break
                self._forget_offer(resource)

    def ia_with(self, ia: IANAOption | IAPDOption, resources: list[str],
                zero_lifetimes: list[str] | None = None) -> IANAOption | IAPDOption:
        """An IA for the response with the given resources at the configured lifetimes (and others at zero)."""
        options = [self.lease_option(resource, self.preferred_lifetime, self.valid_lifetime) for resource in resources]
        options += [self.lease_option(resource, 0, 0) for resource in zero_lifetimes or []]
        return self.ia_class(ia.iaid, options=options)


class AddressPoolOptionHandler(PoolOptionHandler):
    """
    ``[option AddressPool <link prefix>]``: addresses for IA_NA from ``range = <first>-<last>``, which must lie
    inside the link prefix so that every address given is on-link.
    """

    ia_class = IANAOption
    section_name = 'AddressPool'

    @classmethod
    def parse_section(cls, section: ConfigSection, link: IPv6Network) -> Pool:
        text = section.get_str('range', required=True) or ''
        first_text, _, last_text = text.partition('-')
        try:
            first, last = IPv6Address(first_text.strip()), IPv6Address(last_text.strip())
            pool = AddressRange(first, last)
        except ValueError as error:
            raise section.error('range', f"expected <first address>-<last address>: {error}") from None
        if first not in link or last not in link:
            raise section.error('range', f"{text} is not inside the link prefix {link}")
        return pool

    def lease_option(self, resource: str, preferred: int, valid: int) -> Option:
        return IAAddressOption(address_of(resource), preferred, valid)

    def resources_in(self, ia: IANAOption | IAPDOption) -> list[str]:
        return [address_text(address) for address in ia.get_addresses()] if isinstance(ia, IANAOption) else []


class PrefixPoolOptionHandler(PoolOptionHandler):
    """
    ``[option PrefixPool <link prefix>]``: prefixes of ``delegated-length`` for IA_PD from ``prefix``.
    """

    ia_class = IAPDOption
    section_name = 'PrefixPool'

    @classmethod
    def parse_section(cls, section: ConfigSection, link: IPv6Network) -> Pool:
        aggregate = section.get_network('prefix', required=True)
        length = section.get_int('delegated-length', required=True, minimum=1, maximum=128)
        assert aggregate is not None and length is not None
        try:
            return PrefixRange(aggregate, length)
        except ValueError as error:
            raise section.error('delegated-length', str(error)) from None

    def lease_option(self, resource: str, preferred: int, valid: int) -> Option:
        return IAPrefixOption(network_of(resource), preferred, valid)

    def resources_in(self, ia: IANAOption | IAPDOption) -> list[str]:
        if not isinstance(ia, IAPDOption):
            return []
        return [network_text(prefix) for prefix in ia.get_prefixes() if prefix.prefixlen > 0 and int(
            prefix.network_address) != 0]
