"""
The life of a lease as one table: (state, event) -> (action, new state).

Every change a pool makes to a lease is looked up here first, so the rules of RFC 8415 section 18.3 for leases are
in one place; a combination that is not in the table is a programming error, not a silent default.

States (of one resource as seen by one client's IA):

- ``FREE``: the client holds no lease on it (there may be no record, or a released or expired one);
- ``OFFERED``: it was put in an Advertise and is held for the client for a short while, in memory only;
- ``BOUND``: the client has it; the lease is in the store;
- ``DECLINED``: a client reported it in use by someone else; quarantined until its time runs out.
"""
from enum import Enum

__all__ = ['LeaseState', 'LeaseEvent', 'LeaseAction', 'TRANSITIONS', 'transition', 'IllegalTransition']


class LeaseState(str, Enum):
    """Where a lease is in its life. The values are what the store and ``ipv6-dhcp-leases`` show."""
    FREE = 'free'
    OFFERED = 'offered'
    BOUND = 'bound'
    RELEASED = 'released'
    EXPIRED = 'expired'
    DECLINED = 'declined'


class LeaseEvent(str, Enum):
    """What happened: the client's message, or time passing."""
    SOLICIT = 'solicit'
    REQUEST = 'request'          # also a Solicit with Rapid Commit
    RENEW = 'renew'
    REBIND = 'rebind'
    RELEASE = 'release'
    DECLINE = 'decline'
    EXPIRE = 'expire'


class LeaseAction(str, Enum):
    """What the pool does about it."""
    OFFER = 'offer'              # put it in the Advertise, remember the offer in memory
    COMMIT = 'commit'            # store the lease durably, then put it in the Reply
    EXTEND = 'extend'            # store new lifetimes durably, then put it in the Reply
    FREE = 'free'                # mark the lease released in the store
    QUARANTINE = 'quarantine'    # mark the lease declined until the quarantine time has passed
    NO_BINDING = 'no-binding'    # the client has no lease here: answer NoBinding
    NOTHING = 'nothing'          # leave the record as it is


class IllegalTransition(Exception):
    """The table has no entry for this (state, event): a bug in the caller."""


S, E, A = LeaseState, LeaseEvent, LeaseAction

#: The whole lifecycle. RELEASED and EXPIRED behave like FREE for the client that held them (and let the same client
#: get the same resource back); other clients only get them when nothing else is left.
TRANSITIONS: dict[tuple[LeaseState, LeaseEvent], tuple[LeaseAction, LeaseState]] = {
    # RFC 8415 18.3.1: a Solicit offers without committing
    (S.FREE, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.RELEASED, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.EXPIRED, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.OFFERED, E.SOLICIT): (A.OFFER, S.OFFERED),
    (S.BOUND, E.SOLICIT): (A.OFFER, S.BOUND),
    # RFC 8415 18.3.2: a Request (or a Rapid Commit Solicit) commits
    (S.FREE, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.RELEASED, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.EXPIRED, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.OFFERED, E.REQUEST): (A.COMMIT, S.BOUND),
    (S.BOUND, E.REQUEST): (A.EXTEND, S.BOUND),
    # RFC 8415 18.3.4 and 18.3.5: Renew and Rebind extend a binding the server knows
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
    # RFC 8415 18.3.7: Release frees
    (S.BOUND, E.RELEASE): (A.FREE, S.RELEASED),
    (S.FREE, E.RELEASE): (A.NO_BINDING, S.FREE),
    (S.RELEASED, E.RELEASE): (A.NO_BINDING, S.RELEASED),
    (S.EXPIRED, E.RELEASE): (A.NO_BINDING, S.EXPIRED),
    (S.OFFERED, E.RELEASE): (A.NO_BINDING, S.OFFERED),
    # RFC 8415 18.3.8: Decline quarantines the address
    (S.BOUND, E.DECLINE): (A.QUARANTINE, S.DECLINED),
    (S.FREE, E.DECLINE): (A.NO_BINDING, S.FREE),
    (S.RELEASED, E.DECLINE): (A.NO_BINDING, S.RELEASED),
    (S.EXPIRED, E.DECLINE): (A.NO_BINDING, S.EXPIRED),
    (S.OFFERED, E.DECLINE): (A.NO_BINDING, S.OFFERED),
    # Time: leases and quarantines end, and the resource goes back to the pool
    (S.BOUND, E.EXPIRE): (A.NOTHING, S.EXPIRED),
    (S.DECLINED, E.EXPIRE): (A.NOTHING, S.FREE),
    (S.OFFERED, E.EXPIRE): (A.NOTHING, S.FREE),
}


def transition(state: LeaseState, event: LeaseEvent) -> tuple[LeaseAction, LeaseState]:
    """
    Look up what to do.

    :param state: the lease's state for this client
    :param event: what happened
    :return: the action and the state after it
    :raises IllegalTransition: when the table has no entry
    """
    try:
        return TRANSITIONS[state, event]
    except KeyError:
        raise IllegalTransition(f"No transition from {state.value} on {event.value}") from None
