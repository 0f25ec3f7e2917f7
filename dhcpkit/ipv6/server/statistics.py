"""
Counters of what happened to received packets, shared by the listener and the worker threads.

Operators read them in the log (on SIGUSR1 and at exit) to see whether packets are being dropped and why, so every
way a packet can end is one counter, and the log line always names every counter in the same order: scripts and
tests can parse it.
"""
import threading

__all__ = ['COUNTERS', 'Statistics']

#: Every counter, in the order the log line shows them
COUNTERS = (
    'received',            # packets read from the socket
    'malformed',           # bytes that do not parse as a DHCPv6 message
    'invalid',             # parsed, but validate() refused it, or not a message a server answers, or too many hops
    'dropped-queue-full',  # the oldest waiting packet, dropped to make room when the queue was full
    'dropped-filtered',    # not for us: unconfigured interface or destination, truncated
    'handled',             # the message handler ran to completion
    'replied',             # a reply was sent
    'no-reply',            # the handler chose not to answer
    'exceptions',          # unexpected exceptions while parsing or handling
    'send-failed',         # the kernel refused to send a reply (no route, the address went away)
    'dropped-kernel',      # the kernel's receive buffer was full: the server was behind by more than a burst
    'dropped-stale',       # waited in the queue longer than a client waits for an answer
    'not-durable',         # answered, but its lease changes could not be committed, so the reply was not sent
    'reader-taken-over',   # a thread took the reader's turn from one that spent too long on one packet
    'dropped-behind',      # a Solicit that waited so long that the server is behind: exchanges under way go first
)


class Statistics:
    """
    Counters that every worker thread (reading, handling, sending) adds to several times per packet.

    Each thread counts in its own dictionary, so an increment takes no lock and never makes another thread wait;
    reading adds up the dictionaries of every thread that ever counted. A reading taken while threads count may miss
    their latest increments, never more.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()           # guards the list of per-thread dictionaries, not the counting
        self._per_thread: list[dict[str, int]] = []
        self._local = threading.local()

    def _own_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(COUNTERS, 0)
        with self._lock:
            self._per_thread.append(counts)
        self._local.counts = counts
        return counts

    def increment(self, counter: str, amount: int = 1) -> None:
        """
        Add to a counter.

        :param counter: one of :data:`COUNTERS`
        :param amount: how much to add
        :raises KeyError: for a counter that does not exist, so that a typo fails loudly in tests
        """
        try:
            counts: dict[str, int] = self._local.counts
        except AttributeError:
            counts = self._own_counts()
        counts[counter] += amount

    def __getitem__(self, counter: str) -> int:
        return self.snapshot()[counter]

    def snapshot(self) -> dict[str, int]:
        """
        :return: the sum of every thread's counters
        """
        totals = dict.fromkeys(COUNTERS, 0)
        with self._lock:
            per_thread = list(self._per_thread)
        for counts in per_thread:
            for name, value in list(counts.items()):
                totals[name] += value
        return totals

    def log_line(self) -> str:
        """
        :return: ``statistics: received=… malformed=… …`` with every counter in :data:`COUNTERS` order
        """
        counts = self.snapshot()
        return 'statistics: ' + ' '.join(f'{name}={counts[name]}' for name in COUNTERS)
