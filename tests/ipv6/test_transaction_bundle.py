"""
The transaction bundle: which IA options of the request are still unanswered, as the option handlers ask it.
"""
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import SolicitMessage
from dhcpkit.ipv6.options import ClientIdOption, ElapsedTimeOption, IANAOption, IATAOption
from tests.ipv6.option_handlers.helpers import CLIENT_DUID, TRANSACTION_ID, make_bundle


def solicit_with_ias() -> SolicitMessage:
    return SolicitMessage(TRANSACTION_ID, [ClientIdOption(CLIENT_DUID), IANAOption(b'\0\0\0\1'), ElapsedTimeOption(0),
                                           IATAOption(b'\0\0\0\2'), IAPDOption(b'\0\0\0\3'), IANAOption(b'\0\0\0\4')])


def test_unanswered_ias_are_the_request_ias_in_order() -> None:
    request = solicit_with_ias()
    bundle = make_bundle(request)
    assert bundle.get_unanswered_ia_options() == [request.options[1], request.options[3], request.options[4],
                                                  request.options[5]]
    assert bundle.get_unanswered_iana_options() == [request.options[1], request.options[5]]
    assert bundle.get_unanswered_iata_options() == [request.options[3]]
    assert bundle.get_unanswered_iapd_options() == [request.options[4]]


def test_marked_ias_are_no_longer_unanswered() -> None:
    request = solicit_with_ias()
    bundle = make_bundle(request)
    bundle.get_unanswered_ia_options()
    bundle.mark_handled(request.options[1])
    bundle.mark_handled(request.options[1])
    assert bundle.get_unanswered_iana_options() == [request.options[5]]
    assert bundle.handled_options == [request.options[1]]
    bundle.mark_handled(request.options[5])
    bundle.mark_handled(request.options[3])
    bundle.mark_handled(request.options[4])
    assert bundle.get_unanswered_ia_options() == []


def test_an_equal_ia_is_not_the_same_ia() -> None:
    # Two IA options with the same contents are two IAs: marking one leaves the other unanswered
    request = SolicitMessage(TRANSACTION_ID, [IANAOption(b'\0\0\0\1'), IANAOption(b'\0\0\0\1')])
    bundle = make_bundle(request)
    bundle.mark_handled(request.options[0])
    unanswered = bundle.get_unanswered_ia_options()
    assert len(unanswered) == 1 and unanswered[0] is request.options[1]


def test_changing_the_returned_list_changes_nothing() -> None:
    # The bundle finds the request's IAs once; what it hands out is the caller's to change
    request = solicit_with_ias()
    bundle = make_bundle(request)
    bundle.get_unanswered_ia_options().clear()
    bundle.get_unanswered_iana_options().append(IANAOption(b'\0\0\0\x09'))
    assert len(bundle.get_unanswered_ia_options()) == 4
    assert request.options[1] in bundle.get_unanswered_ia_options()
