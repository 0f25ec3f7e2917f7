"""
Static assignments: ``[option CSVBasedFixedAssignment <link prefix>]`` and ``[option SQLiteBasedFixedAssignment <link
prefix>]`` give clients on that link the address and/or prefix of their entry in ``assignments-file``::

    [option CSVBasedFixedAssignment 2001:db8:0:1::/64]
    assignments-file = assignments.csv
    preferred-lifetime = 1h
    valid-lifetime = 2h

A client's entry is found by the keys of :func:`dhcpkit.ipv6.assignments.client_keys`, the first key with an entry
winning. An entry has one address, which goes to the client's first IA_NA (and must be inside the link prefix), and/or
one prefix, which goes to its first IA_PD; further IAs are left to the handlers after this one. So put these sections
before the pools of the same link: handlers run in file order, and a client with an entry then gets it.
"""
import logging
import threading
import time
from collections.abc import Sequence
from ipaddress import IPv6Address, IPv6Network
from typing import ClassVar

from dhcpkit.ipv6.assignments import AssignmentSource, AssignmentSourceError, client_keys
from dhcpkit.ipv6.assignments.csv_source import CSVAssignmentSource
from dhcpkit.ipv6.assignments.sqlite_source import SQLiteAssignmentSource
from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.exceptions import CannotRespondError
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.messages import (ConfirmMessage, DeclineMessage, RebindMessage, ReleaseMessage, RenewMessage,
                                   RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.option_handlers.links import (DEFAULT_PREFERRED_LIFETIME, DEFAULT_VALID_LIFETIME, answer_confirm,
                                                lifetimes_from_section, link_from_section_id)
from dhcpkit.ipv6.options import IAAddressOption, IANAOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['FixedAssignmentOptionHandler', 'CSVBasedFixedAssignmentOptionHandler',
           'SQLiteBasedFixedAssignmentOptionHandler']

logger = logging.getLogger(__name__)

Resource = IPv6Address | IPv6Network

#: Seconds between two warnings about declines of the same entry
DECLINE_WARNING_INTERVAL = 600

# The requests that get the client's address and prefix, and the ones that give them back
_ASSIGNING = (SolicitMessage, RequestMessage, RenewMessage, RebindMessage)
_GIVING_BACK = (ReleaseMessage, DeclineMessage)


def _listed(ia: IANAOption | IAPDOption) -> list[Resource]:
    """The addresses or prefixes a client lists in an IA (without the ``::/length`` hints of IA_PD)."""
    if isinstance(ia, IANAOption):
        return list(ia.get_addresses())
    return [prefix for prefix in ia.get_prefixes() if prefix.prefixlen > 0 and int(prefix.network_address) != 0]


def _lease(resource: Resource, preferred: int, valid: int) -> Option:
    if isinstance(resource, IPv6Address):
        return IAAddressOption(resource, preferred, valid)
    return IAPrefixOption(resource, preferred, valid)


class FixedAssignmentOptionHandler(OptionHandler):
    """
    Give clients on one link the address and prefix of their static entry.

    :ivar link: the prefix of the link this handler serves
    :ivar source: where the entries come from
    :ivar preferred_lifetime: seconds (or INFINITY)
    :ivar valid_lifetime: seconds (or INFINITY)
    """

    section_name: ClassVar[str]

    def __init__(self, link: IPv6Network, source: AssignmentSource,
                 preferred_lifetime: int = DEFAULT_PREFERRED_LIFETIME, valid_lifetime: int = DEFAULT_VALID_LIFETIME):
        if preferred_lifetime > valid_lifetime:
            raise ValueError("preferred-lifetime may not be longer than valid-lifetime")
        self.link = link
        self.source = source
        self.preferred_lifetime = preferred_lifetime
        self.valid_lifetime = valid_lifetime
        self._last_decline_warning: dict[str, float] = {}
        self._declines_lock = threading.Lock()

    @classmethod
    def open_source(cls, path: str, link: IPv6Network) -> AssignmentSource:
        """
        Read or open the assignments file, checking every entry.

        :param path: the file
        :param link: the link prefix every address must be inside
        :return: the source
        :raises ConfigError: for a bad entry
        :raises OSError: when the file cannot be read
        """
        raise NotImplementedError

    @classmethod
    def from_config(cls, section: ConfigSection,
                    option_handler_id: str | None = None) -> 'FixedAssignmentOptionHandler':
        link = link_from_section_id(section, option_handler_id, cls.section_name)
        path = section.get_path('assignments-file', required=True)
        if path is None:
            raise section.error('assignments-file', "needs the path of the assignments file")
        preferred, valid = lifetimes_from_section(section)
        try:
            source = cls.open_source(path, link)
        except OSError as error:
            raise section.error('assignments-file', f"cannot read {path}: {error.strerror or error}") from None
        return cls(link, source, preferred, valid)

    def close(self) -> None:
        self.source.close()

    def handle(self, bundle: TransactionBundle) -> None:
        if bundle.response is None or bundle.get_link_address() not in self.link:
            return
        request = bundle.request
        if isinstance(request, ConfirmMessage):
            answer_confirm(bundle, self.link)
            return
        if not isinstance(request, _ASSIGNING + _GIVING_BACK):
            return
        keys = client_keys(bundle)
        try:
            entry = self.source.find_entry(keys)
        except AssignmentSourceError as error:
            raise CannotRespondError(f"No static assignments available: {error}") from None
        if entry is None:
            return
        key, assignment = entry
        logger.debug("%s: static entry %s", bundle, key)
        if assignment.address is not None:
            self.answer(bundle, key, bundle.get_unanswered_iana_options(), assignment.address)
        if assignment.prefix is not None and not isinstance(request, DeclineMessage):
            self.answer(bundle, key, bundle.get_unanswered_iapd_options(), assignment.prefix)

    def answer(self, bundle: TransactionBundle, key: str, ias: Sequence[IANAOption | IAPDOption],
               resource: Resource) -> None:
        """
        Answer the IA that gets the client's address or prefix: the one that already lists it, else the first one.

        :param bundle: the transaction
        :param key: the key of the client's entry, for the log
        :param ias: the unanswered IAs of the kind `resource` is for
        :param resource: the address or prefix of the entry
        """
        if isinstance(bundle.request, _GIVING_BACK):
            self.give_back(bundle, key, ias, resource)
            return
        holder = next((ia for ia in ias if resource in _listed(ia)), ias[0] if ias else None)
        if holder is None:
            return
        leases = [_lease(resource, self.preferred_lifetime, self.valid_lifetime)]
        if isinstance(bundle.request, (RenewMessage, RebindMessage)):
            # RFC 8415 sections 18.3.4 and 18.3.5: what the client holds that is not its entry gets lifetimes of 0
            leases += [_lease(other, 0, 0) for other in _listed(holder) if other != resource]
        assert bundle.response is not None
        bundle.response.options.append(type(holder)(holder.iaid, options=leases))
        bundle.mark_handled(holder)

    def give_back(self, bundle: TransactionBundle, key: str, ias: Sequence[IANAOption | IAPDOption],
                  resource: Resource) -> None:
        """
        A Release or Decline of a static address or prefix: there is nothing to free, so the IAs that list only it
        are done (RFC 8415 sections 18.3.7 and 18.3.8 leave them out of the Reply). A declined address is in use by
        someone else, which the operator should know.
        """
        for ia in ias:
            listed = _listed(ia)
            if not listed or any(other != resource for other in listed):
                continue
            if isinstance(bundle.request, DeclineMessage):
                self.report_decline(bundle, key, resource)
            bundle.mark_handled(ia)

    def report_decline(self, bundle: TransactionBundle, key: str, resource: Resource) -> None:
        """
        Log a declined static address: a warning once per entry per :data:`DECLINE_WARNING_INTERVAL` (a client whose
        address is taken declines it again after every new Request), at DEBUG in between.
        """
        now = time.monotonic()
        with self._declines_lock:
            last = self._last_decline_warning.get(key)
            warn = last is None or now - last >= DECLINE_WARNING_INTERVAL
            if warn:
                self._last_decline_warning[key] = now
        logger.log(logging.WARNING if warn else logging.DEBUG,
                   "%s declined its static address %s (entry %s): another node on the link uses it",
                   bundle, resource, key)


class CSVBasedFixedAssignmentOptionHandler(FixedAssignmentOptionHandler):
    """
    ``[option CSVBasedFixedAssignment <link prefix>]`` with ``assignments-file = <CSV file>``: entries from a CSV file
    (see :mod:`dhcpkit.ipv6.assignments.csv_source`), read when the configuration is loaded or reloaded.
    """

    section_name = 'CSVBasedFixedAssignment'

    @classmethod
    def open_source(cls, path: str, link: IPv6Network) -> AssignmentSource:
        return CSVAssignmentSource(path, link)


class SQLiteBasedFixedAssignmentOptionHandler(FixedAssignmentOptionHandler):
    """
    ``[option SQLiteBasedFixedAssignment <link prefix>]`` with ``assignments-file = <database>``: entries from a
    database built by ``ipv6-dhcp-build-sqlite`` (see :mod:`dhcpkit.ipv6.assignments.sqlite_source`), which may be
    replaced while the server runs.
    """

    section_name = 'SQLiteBasedFixedAssignment'

    @classmethod
    def open_source(cls, path: str, link: IPv6Network) -> AssignmentSource:
        return SQLiteAssignmentSource(path, link)
