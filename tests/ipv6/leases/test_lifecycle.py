"""
Tests for the lease lifecycle table in :mod:`dhcpkit.ipv6.leases.lifecycle`.

Every entry of the table is written out here once more, independently, so a change to the table shows up as a
failing test that names the entry; the invariants below say what any future table must keep.
"""
import itertools

import pytest

from dhcpkit.ipv6.leases.lifecycle import (TRANSITIONS, IllegalTransition, LeaseAction, LeaseEvent, LeaseState,
                                          transition)

S, E, A = LeaseState, LeaseEvent, LeaseAction

#: The states in which the client holds nothing and which behave alike for the client's own messages
FREE_LIKE = (S.FREE, S.RELEASED, S.EXPIRED)

#: The events that come from a client's message (everything but time passing)
CLIENT_EVENTS = (E.SOLICIT, E.REQUEST, E.RENEW, E.REBIND, E.RELEASE, E.DECLINE)

EXPECTED = {
    (S.FREE, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.RELEASED, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.EXPIRED, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.OFFERED, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.BOUND, E.SOLICIT): (A.OFFER, S.BOUND),
    (S.FREE, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.RELEASED, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.EXPIRED, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.OFFERED, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.BOUND, E.REQUEST): (A.EXTEND, S.BOUND),
    (S.BOUND, E.RENEW): (A.EXTEND, S.BOUND),
    (S.BOUND, E.REBIND): (A.EXTEND, S.BOUND),
    (S.FREE, E.RENEW): (A.NO_BINDING, S.FREE),
    (S.FREE, E.REBIND): (A.NO_BINDING, S.FREE),
    (S.RELEASED, E.RENEW): (A.NO_BINDING, S.RELEASED),
    (S.RELEASED, E.REBIND): (A.NO_BINDING, S.RELEASED),
    (S.EXPIRED, E.RENEW): (A.NO_BINDING, S.EXPIRED),
    (S.EXPIRED, E.REBIND): (A.NO_BINDING, S.EXPIRED),
    (S.OFFERED, E.RENEW): (A.NO_BINDING, S.OFFERED),
    (S.OFFERED, E.REBIND): (A.NO_BINDING, S.OFFERED),
    (S.BOUND, E.RELEASE): (A.FREE, S.RELEASED),
    (S.FREE, E.RELEASE): (A.NO_BINDING, S.FREE),
    (S.RELEASED, E.RELEASE): (A.NO_BINDING, S.RELEASED),
    (S.EXPIRED, E.RELEASE): (A.NO_BINDING, S.EXPIRED),
    (S.OFFERED, E.RELEASE): (A.NO_BINDING, S.OFFERED),
    (S.BOUND, E.DECLINE): (A.QUARANTINE, S.DECLINED),
    (S.FREE, E.DECLINE): (A.NO_BINDING, S.FREE),
    (S.RELEASED, E.DECLINE): (A.NO_BINDING, S.RELEASED),
    (S.EXPIRED, E.DECLINE): (A.NO_BINDING, S.EXPIRED),
    (S.OFFERED, E.DECLINE): (A.NO_BINDING, S.OFFERED),
    (S.BOUND, E.EXPIRE): (A.NOTHING, S.EXPIRED),
    (S.DECLINED, E.EXPIRE): (A.NOTHING, S.FREE),
    (S.OFFERED, E.EXPIRE): (A.NOTHING, S.FREE),
}

ALL_PAIRS = list(itertools.product(LeaseState, LeaseEvent))
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


@pytest.mark.parametrize(('state', 'event'), list(EXPECTED), ids=lambda item: item.value)
def test_entry(state: LeaseState, event: LeaseEvent) -> None:
    assert transition(state, event) == EXPECTED[state, event]
    assert TRANSITIONS[state, event] == EXPECTED[state, event]


def test_table_has_nothing_else() -> None:
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize(('state', 'event'), ILLEGAL, ids=lambda item: item.value)
def test_illegal_transition_raises(state: LeaseState, event: LeaseEvent) -> None:
    with pytest.raises(IllegalTransition) as info:
        transition(state, event)
    # The message names both, so a log line points at the bug
    assert state.value in str(info.value) and event.value in str(info.value)


def test_illegal_transitions_include_the_obvious_ones() -> None:
    # Nothing happens to a declined resource except its quarantine running out, and time does not act on free ones
    for event in CLIENT_EVENTS:
        assert (S.DECLINED, event) in ILLEGAL
    for state in FREE_LIKE:
        assert (state, E.EXPIRE) in ILLEGAL


def test_illegal_transition_is_not_a_key_error() -> None:
    # Callers catch IllegalTransition, not the KeyError of the dictionary lookup
    assert not issubclass(IllegalTransition, KeyError)
    try:
        transition(S.DECLINED, E.SOLICIT)
    except IllegalTransition as error:
        assert error.__cause__ is None and error.__suppress_context__


# Invariants

@pytest.mark.parametrize(('state', 'event'), list(TRANSITIONS), ids=lambda item: item.value)
def test_commit_and_extend_lead_to_bound(state: LeaseState, event: LeaseEvent) -> None:
    action, new_state = TRANSITIONS[state, event]
    if action in (A.COMMIT, A.EXTEND):
        assert new_state == S.BOUND
    if new_state == S.BOUND and state != S.BOUND:
        # Only a durable commit may create a binding
        assert action == A.COMMIT


def test_every_state_can_expire_or_is_free_like() -> None:
    for state in LeaseState:
        assert (state, E.EXPIRE) in TRANSITIONS or state in FREE_LIKE, state


def test_expiry_does_nothing_to_the_store() -> None:
    # Time passing is computed from the stored times; nothing is written
    for (state, event), (action, _new_state) in TRANSITIONS.items():
        if event == E.EXPIRE:
            assert action == A.NOTHING


def test_expiry_leads_to_a_free_like_state() -> None:
    for (state, event), (_action, new_state) in TRANSITIONS.items():
        if event == E.EXPIRE:
            assert new_state in FREE_LIKE


@pytest.mark.parametrize('state', [*FREE_LIKE, S.OFFERED, S.BOUND], ids=lambda item: item.value)
def test_client_events_are_complete(state: LeaseState) -> None:
    # Whatever a client sends about a resource it does not hold or holds, the table knows what to do
    for event in CLIENT_EVENTS:
        assert (state, event) in TRANSITIONS, (state, event)


def test_no_binding_changes_nothing() -> None:
    for (state, _event), (action, new_state) in TRANSITIONS.items():
        if action == A.NO_BINDING:
            assert new_state == state


def test_solicit_never_commits() -> None:
    # RFC 8415 18.3.1: an Advertise is not a commitment
    for (state, event), (action, new_state) in TRANSITIONS.items():
        if event == E.SOLICIT:
            assert action == A.OFFER
            assert new_state in (S.OFFERED, S.BOUND)
            assert new_state == S.BOUND or state != S.BOUND


def test_only_a_binding_can_be_renewed_released_or_declined() -> None:
    for (state, event), (action, _new_state) in TRANSITIONS.items():
        if event in (E.RENEW, E.REBIND, E.RELEASE, E.DECLINE):
            assert (action != A.NO_BINDING) == (state == S.BOUND)


def test_release_and_decline_targets() -> None:
    assert {new for (_s, event), (action, new) in TRANSITIONS.items() if action == A.FREE} == {S.RELEASED}
    assert {new for (_s, event), (action, new) in TRANSITIONS.items() if action == A.QUARANTINE} == {S.DECLINED}


def test_every_action_and_state_is_used() -> None:
    actions = {action for action, _state in TRANSITIONS.values()}
    assert actions == set(LeaseAction)
    reachable = {new_state for _action, new_state in TRANSITIONS.values()}
    assert reachable == set(LeaseState)


def test_state_values_are_what_tools_show() -> None:
    assert [state.value for state in LeaseState] == ['free', 'offered', 'bound', 'released', 'expired', 'declined']
    assert LeaseState('bound') is S.BOUND
