"""Hypothesis strategies that build valid elements of :mod:`dhcpkit.ipv6.extensions.leasequery`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.leasequery import (QUERY_BY_ADDRESS, QUERY_BY_CLIENTID, QUERY_BY_LINK_ADDRESS,
                                                QUERY_BY_RELAY_ID, QUERY_BY_REMOTE_ID, CLTTimeOption,
                                                ClientDataOption, LeasequeryDataMessage, LeasequeryDoneMessage,
                                                LeasequeryMessage, LeasequeryReplyMessage, LQClientLinkOption,
                                                LQQueryOption, LQRelayDataOption, RelayIdOption)
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.options import Option
from tests.strategies.core import (authentication_options, client_id_options, duids, elapsed_time_options,
                                   ia_address_options, ia_prefix_options, ipv6_addresses, option_lists,
                                   option_request_options, relay_forward_messages, server_id_options,
                                   status_code_options, transaction_ids, u8, u32, unicast_addresses)
from tests.strategies.remote_id import STRATEGIES as REMOTE_ID_STRATEGIES

__all__ = ['STRATEGIES']

relay_id_options = st.builds(RelayIdOption, duid=duids)
remote_id_options = REMOTE_ID_STRATEGIES[RemoteIdOption]
clt_time_options = st.builds(CLTTimeOption, clt_time=u32)
lq_relay_data_options = st.builds(LQRelayDataOption, peer_address=ipv6_addresses,
                                  relay_message=relay_forward_messages(1))
lq_client_link_options = st.builds(LQClientLinkOption,
                                   link_addresses=st.lists(unicast_addresses, min_size=1, max_size=4))

#: The query option that each query type needs (RFC 5007 section 4.1.2.1, RFC 5460 section 5.2)
_query_subjects: dict[int, SearchStrategy[Any]] = {
    QUERY_BY_ADDRESS: ia_address_options(),
    QUERY_BY_CLIENTID: client_id_options,
    QUERY_BY_RELAY_ID: relay_id_options,
    QUERY_BY_REMOTE_ID: remote_id_options,
}


@st.composite
def lq_query_options(draw: st.DrawFn) -> LQQueryOption:
    """A query of a known type with the option it needs, or of an unknown type (which the server answers)."""
    query_type = draw(st.one_of(st.sampled_from([QUERY_BY_ADDRESS, QUERY_BY_CLIENTID, QUERY_BY_RELAY_ID,
                                                 QUERY_BY_LINK_ADDRESS, QUERY_BY_REMOTE_ID]), u8))
    required = [_query_subjects[query_type]] if query_type in _query_subjects else []
    optional = [strategy for code, strategy in _query_subjects.items() if code != query_type]
    options: list[Option] = draw(option_lists(required=required, optional=optional + [option_request_options]))
    return LQQueryOption(query_type, draw(ipv6_addresses), options)


client_data_options = st.builds(ClientDataOption, options=option_lists(
    required=[client_id_options, clt_time_options], optional=[lq_relay_data_options],
    repeated=[ia_address_options(), ia_prefix_options()]))


def _messages(message_class: type, **option_spec: Any) -> SearchStrategy[Any]:
    return st.builds(message_class, transaction_id=transaction_ids, options=option_lists(**option_spec))


STRATEGIES: dict[type, SearchStrategy[Any]] = {
    LQQueryOption: lq_query_options(),
    ClientDataOption: client_data_options,
    CLTTimeOption: clt_time_options,
    LQRelayDataOption: lq_relay_data_options,
    LQClientLinkOption: lq_client_link_options,
    RelayIdOption: relay_id_options,
    LeasequeryMessage: _messages(LeasequeryMessage, required=[client_id_options, lq_query_options()],
                                 optional=[server_id_options, elapsed_time_options, authentication_options]),
    LeasequeryReplyMessage: _messages(LeasequeryReplyMessage, required=[client_id_options, server_id_options],
                                      optional=[status_code_options, client_data_options, lq_client_link_options,
                                                lq_relay_data_options, authentication_options]),
    LeasequeryDoneMessage: _messages(LeasequeryDoneMessage, optional=[status_code_options]),
    LeasequeryDataMessage: _messages(LeasequeryDataMessage, required=[client_data_options],
                                     optional=[lq_relay_data_options]),
}
