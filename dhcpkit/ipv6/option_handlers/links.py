"""
What the handlers that serve one link share (the static assignments, and the dynamic pools): the link prefix in the
section id, the lifetimes of what they give, and the answer to a Confirm.

A request belongs to a link when the link prefix holds the request's link address
(:meth:`~dhcpkit.ipv6.transaction_bundle.TransactionBundle.get_link_address`): the receiving interface's global
address, or the link-address of the relay closest to the client.
"""
from ipaddress import IPv6Network

from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.option_handlers.status import CONFIRM_ANSWERED
from dhcpkit.ipv6.options import STATUS_NOTONLINK, STATUS_SUCCESS, IANAOption, StatusCodeOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['link_from_section_id', 'lifetimes_from_section', 'answer_confirm', 'DEFAULT_PREFERRED_LIFETIME',
           'DEFAULT_VALID_LIFETIME']

#: The preferred lifetime when the section does not set one
DEFAULT_PREFERRED_LIFETIME = 3600

#: The valid lifetime when the section does not set one
DEFAULT_VALID_LIFETIME = 7200


def link_from_section_id(section: ConfigSection, option_handler_id: str | None, section_name: str) -> IPv6Network:
    """
    Read the link prefix from the section id, as in ``[option AddressPool 2001:db8:1::/64]``.

    :param section: the configuration section
    :param option_handler_id: the id part of the section name
    :param section_name: the handler's name in section headers, for the message
    :return: the link prefix
    :raises ConfigError: when the id is missing or not a prefix
    """
    if option_handler_id is None:
        raise section.error(None, f"needs the link prefix in the section name: [option {section_name} "
                                  f"2001:db8:1::/64]")
    try:
        return IPv6Network(option_handler_id)
    except ValueError as error:
        raise section.error(None, f"the section id must be the link prefix: {error}") from None


def lifetimes_from_section(section: ConfigSection) -> tuple[int, int]:
    """
    Read ``preferred-lifetime`` and ``valid-lifetime`` (durations; 1h and 2h when absent).

    :param section: the configuration section
    :return: the preferred and the valid lifetime in seconds (or INFINITY)
    :raises ConfigError: when a value is wrong or the preferred lifetime is longer than the valid one
    """
    preferred = section.get_duration('preferred-lifetime', DEFAULT_PREFERRED_LIFETIME)
    valid = section.get_duration('valid-lifetime', DEFAULT_VALID_LIFETIME)
    assert preferred is not None and valid is not None
    if preferred > valid:
        raise section.error('preferred-lifetime', f"{preferred} s is longer than valid-lifetime ({valid} s)")
    return preferred, valid


def answer_confirm(bundle: TransactionBundle, link: IPv6Network) -> None:
    """
    Judge a Confirm for a request on `link` (RFC 8415 section 18.3.3): Success when every address of the client's
    IA_NAs is inside the link prefix, NotOnLink otherwise. Leaves the Confirm alone when it lists no addresses or
    another handler already answered it (marked with :data:`~dhcpkit.ipv6.option_handlers.status.CONFIRM_ANSWERED`).

    :param bundle: the transaction of a Confirm
    :param link: the prefix of the link the request came from
    """
    if CONFIRM_ANSWERED in bundle.marks or bundle.response is None:
        return
    addresses = [address for ia in bundle.request.get_options_of_type(IANAOption) for address in ia.get_addresses()]
    if not addresses:
        return
    if all(address in link for address in addresses):
        status = StatusCodeOption(STATUS_SUCCESS, "All addresses are on-link")
    else:
        status = StatusCodeOption(STATUS_NOTONLINK, "Some addresses are not on this link")
    bundle.response.options.append(status)
    bundle.marks.add(CONFIRM_ANSWERED)
