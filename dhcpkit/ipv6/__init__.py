"""
DHCPv6: ports, multicast addresses and the transmission parameters of RFC 8415 section 7.
"""
from ipaddress import IPv6Address

# RFC 8415 section 7.2: UDP ports
CLIENT_PORT = 546
SERVER_PORT = 547

# RFC 8415 section 7.1: multicast addresses
All_DHCP_Relay_Agents_and_Servers = IPv6Address('ff02::1:2')
All_DHCP_Servers = IPv6Address('ff05::1:3')

#: RFC 8415 section 7.7: a lifetime or time value of all ones means "forever"
INFINITY = 0xffffffff

# RFC 8415 section 7.6: transmission and retransmission parameters (seconds, or counts for *_RC)
SOL_MAX_DELAY = 1
SOL_TIMEOUT = 1
SOL_MAX_RT = 3600
REQ_TIMEOUT = 1
REQ_MAX_RT = 30
REQ_MAX_RC = 10
CNF_MAX_DELAY = 1
CNF_TIMEOUT = 1
CNF_MAX_RT = 4
CNF_MAX_RD = 10
REN_TIMEOUT = 10
REN_MAX_RT = 600
REB_TIMEOUT = 10
REB_MAX_RT = 600
INF_MAX_DELAY = 1
INF_TIMEOUT = 1
INF_MAX_RT = 3600
REL_TIMEOUT = 1
REL_MAX_RC = 4
DEC_TIMEOUT = 1
DEC_MAX_RC = 4
REC_TIMEOUT = 2
REC_MAX_RC = 8
HOP_COUNT_LIMIT = 8
IRT_DEFAULT = 86400
IRT_MINIMUM = 600
MAX_WAIT_TIME = 60
