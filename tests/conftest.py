"""Shared pytest set-up: assertions in the shared check modules get pytest's detailed failure reports too."""
import pytest

pytest.register_assert_rewrite('tests.wire_checks')
