"""Command-line tools built on the dhcpkit library."""
