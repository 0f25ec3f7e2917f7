"""Packaging for dhcpkit, a DHCPv6 server framework and library."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent


def entry_points(module: str, class_names: list[str]) -> list[str]:
    """Entry points for classes of one module, each named after its class."""
    return [f'{name} = {module}:{name}' for name in class_names]

setup(
    name='dhcpkit',
    version='0.1.0',
    description='DHCPv6 server framework and library',
    long_description=(HERE / 'README.rst').read_text(encoding='utf-8'),
    long_description_content_type='text/x-rst',
    license='Apache-2.0',
    classifiers=[
        'Development Status :: 3 - Alpha',
        'Intended Audience :: System Administrators',
        'Operating System :: POSIX :: Linux',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.11',
        'Topic :: System :: Networking',
        'Typing :: Typed',
    ],
    python_requires='>=3.11',
    packages=find_packages(exclude=['tests', 'tests.*', 'benchmarks', 'benchmarks.*']),
    package_data={'dhcpkit': ['py.typed']},
    include_package_data=False,
    zip_safe=False,
    install_requires=[
        'netifaces',
        'typing-extensions',
    ],
    extras_require={
        'test': [
            'pytest',
            'pytest-timeout',
            'hypothesis',
            'mypy',
            'sphinx',
        ],
        'bench': [
            'scapy',
        ],
    },
    entry_points={
        'console_scripts': [
            'ipv6-dhcpd = dhcpkit.ipv6.server.main:run',
            'dhcpkit-decode = dhcpkit.tools.decode:run',
            'ipv6-dhcp-leases = dhcpkit.ipv6.leases.cli:run',
            'ipv6-dhcp-build-sqlite = dhcpkit.ipv6.assignments.build_sqlite:run',
        ],
        'dhcpkit.ipv6.messages': entry_points('dhcpkit.ipv6.messages', [
            'SolicitMessage', 'AdvertiseMessage', 'RequestMessage', 'ConfirmMessage', 'RenewMessage',
            'RebindMessage', 'ReplyMessage', 'ReleaseMessage', 'DeclineMessage', 'ReconfigureMessage',
            'InformationRequestMessage', 'RelayForwardMessage', 'RelayReplyMessage',
        ]) + entry_points('dhcpkit.ipv6.extensions.leasequery', [
            'LeasequeryMessage', 'LeasequeryReplyMessage', 'LeasequeryDoneMessage', 'LeasequeryDataMessage',
        ]) + entry_points('dhcpkit.ipv6.extensions.dhcpv4_over_dhcpv6', [
            'DHCPv4QueryMessage', 'DHCPv4ResponseMessage',
        ]),
        'dhcpkit.ipv6.options': entry_points('dhcpkit.ipv6.options', [
            'ClientIdOption', 'ServerIdOption', 'IANAOption', 'IATAOption', 'IAAddressOption',
            'OptionRequestOption', 'PreferenceOption', 'ElapsedTimeOption', 'RelayMessageOption',
            'AuthenticationOption', 'ServerUnicastOption', 'StatusCodeOption', 'RapidCommitOption',
            'UserClassOption', 'VendorClassOption', 'VendorSpecificInformationOption', 'InterfaceIdOption',
            'ReconfigureMessageOption', 'ReconfigureAcceptOption', 'InformationRefreshTimeOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.prefix_delegation', [
            'IAPDOption', 'IAPrefixOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.dns', [
            'RecursiveNameServersOption', 'DomainSearchListOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.sip_servers', [
            'SIPServersDomainNameListOption', 'SIPServersAddressListOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.sntp', [
            'SNTPServersOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.ntp', [
            'NTPServersOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.remote_id', [
            'RemoteIdOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.subscriber_id', [
            'SubscriberIdOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.client_fqdn', [
            'ClientFQDNOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.timezone', [
            'PosixTimezoneOption', 'TZDBTimezoneOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.relay_echo_request', [
            'EchoRequestOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.leasequery', [
            'LQQueryOption', 'ClientDataOption', 'CLTTimeOption', 'LQRelayDataOption', 'LQClientLinkOption',
            'RelayIdOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.dhcpv4_over_dhcpv6', [
            'DHCPv4MessageOption', 'DHCP4o6ServerAddressOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.dslite', [
            'AFTRNameOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.pd_exclude', [
            'PDExcludeOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.linklayer_id', [
            'ClientLinkLayerAddressOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.sol_max_rt', [
            'SolMaxRTOption', 'InfMaxRTOption',
        ]) + entry_points('dhcpkit.ipv6.extensions.map', [
            'S46RuleOption', 'S46BROption', 'S46DMROption', 'S46V4V6BindingOption', 'S46PortParametersOption',
            'S46MapEContainerOption', 'S46MapTContainerOption', 'S46LWContainerOption',
        ]),
        'dhcpkit.ipv6.duids': entry_points('dhcpkit.ipv6.duids', [
            'LinkLayerTimeDUID', 'EnterpriseDUID', 'LinkLayerDUID', 'UUIDDUID',
        ]),
        'dhcpkit.ipv6.option_handlers': [
            'RecursiveNameServers = dhcpkit.ipv6.option_handlers.dns:RecursiveNameServersOptionHandler',
            'DomainSearchList = dhcpkit.ipv6.option_handlers.dns:DomainSearchListOptionHandler',
            'SNTPServers = dhcpkit.ipv6.option_handlers.sntp:SNTPServersOptionHandler',
            'NTPServers = dhcpkit.ipv6.option_handlers.ntp:NTPServersOptionHandler',
            'SIPServerAddresses = dhcpkit.ipv6.option_handlers.sip_servers:SIPServersAddressListOptionHandler',
            'SIPServerNames = dhcpkit.ipv6.option_handlers.sip_servers:SIPServersDomainNameListOptionHandler',
            'SolMaxRT = dhcpkit.ipv6.option_handlers.sol_max_rt:SolMaxRTOptionHandler',
            'InfMaxRT = dhcpkit.ipv6.option_handlers.sol_max_rt:InfMaxRTOptionHandler',
            'InformationRefreshTime = dhcpkit.ipv6.option_handlers.information_refresh_time'
            ':InformationRefreshTimeOptionHandler',
            'AFTRName = dhcpkit.ipv6.option_handlers.dslite:AFTRNameOptionHandler',
            'Preference = dhcpkit.ipv6.option_handlers.preference:PreferenceOptionHandler',
            'ServerUnicast = dhcpkit.ipv6.option_handlers.server_unicast:ServerUnicastOptionHandler',
            'IANATimingLimits = dhcpkit.ipv6.option_handlers.timing_limits:IANATimingLimitsOptionHandler',
            'IAPDTimingLimits = dhcpkit.ipv6.option_handlers.timing_limits:IAPDTimingLimitsOptionHandler',
            'AddressPool = dhcpkit.ipv6.option_handlers.pools:AddressPoolOptionHandler',
            'PrefixPool = dhcpkit.ipv6.option_handlers.pools:PrefixPoolOptionHandler',
            'CSVBasedFixedAssignment = dhcpkit.ipv6.option_handlers.fixed_assignment'
            ':CSVBasedFixedAssignmentOptionHandler',
            'SQLiteBasedFixedAssignment = dhcpkit.ipv6.option_handlers.fixed_assignment'
            ':SQLiteBasedFixedAssignmentOptionHandler',
        ],
    },
)
