"""
dhcpkit: a DHCPv6 protocol library and a multi-threaded, extensible DHCPv6 server.
"""
__version__ = '0.1.0'
