"""Sphinx configuration for the dhcpkit documentation."""
import os
import sys

# Document the package in this tree, even when it is not installed.
sys.path.insert(0, os.path.abspath('..'))

project = 'dhcpkit'
author = 'The dhcpkit developers'
copyright = '2026, The dhcpkit developers'
version = '0.1'
release = '0.1.0'

# No intersphinx: the documentation must build without network access.
extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.viewcode',
]

exclude_patterns = ['_build']
nitpicky = False

autodoc_member_order = 'bysource'

html_theme = 'alabaster'
html_static_path: list[str] = []

# Manual pages, as (source start file, name, description, authors, manual section) tuples.
man_pages: list[tuple[str, str, str, list[str], int]] = [
    ('man/ipv6-dhcpd', 'ipv6-dhcpd', 'the dhcpkit DHCPv6 server', [author], 8),
    ('man/ipv6-dhcpd.ini', 'ipv6-dhcpd.ini', 'configuration file of the dhcpkit DHCPv6 server', [author], 5),
    ('man/ipv6-dhcp-leases', 'ipv6-dhcp-leases', 'show or delete the leases of ipv6-dhcpd', [author], 8),
    ('man/ipv6-dhcp-build-sqlite', 'ipv6-dhcp-build-sqlite', 'build a static assignment database from CSV',
     [author], 8),
]
