"""The ipv6-dhcpd daemon: configuration loading, listeners, worker threads, signals, logging and privileges."""
