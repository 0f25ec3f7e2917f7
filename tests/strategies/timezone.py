"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.timezone`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.timezone import PosixTimezoneOption, TZDBTimezoneOption

_printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), min_size=1, max_size=40)

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    PosixTimezoneOption: st.builds(PosixTimezoneOption, timezone=_printable),
    TZDBTimezoneOption: st.builds(TZDBTimezoneOption, timezone=_printable),
}
