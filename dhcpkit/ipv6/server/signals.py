"""
Signals as events in the main loop.

A Python signal handler runs between two bytecodes of the main thread, which may be in the middle of anything; a
reload or a shutdown started there would race with the code it interrupted. So the handlers do nothing, and
:func:`signal.set_wakeup_fd` has the interpreter write each signal's number into a pipe, which the main loop's
selector watches next to the socket. The main loop then acts on the signals at a point of its own choosing. Worker
threads use the same pipe to wake the main loop (:meth:`SignalWatcher.wake`).
"""
import os
import signal
from types import FrameType, TracebackType

__all__ = ['HANDLED_SIGNALS', 'WAKE_UP', 'SignalWatcher']

#: The signals the daemon acts on: reload, statistics, and stop
HANDLED_SIGNALS = (signal.SIGHUP, signal.SIGUSR1, signal.SIGTERM, signal.SIGINT)

#: The byte that :meth:`SignalWatcher.wake` writes: no signal has number 0
WAKE_UP = 0


def _ignore(_signal_number: int, _frame: FrameType | None) -> None:
    """The Python-level handler: the wakeup pipe already carries the signal."""


class SignalWatcher:
    """
    Turn signals into bytes on a pipe. Use as a context manager: entering installs the handlers, leaving restores the
    previous ones and closes the pipe.
    """

    def __init__(self, signals: tuple[signal.Signals, ...] = HANDLED_SIGNALS):
        self.signals = signals
        self._read_fd = -1
        self._write_fd = -1
        self._previous_handlers: dict[signal.Signals, object] = {}
        self._previous_wakeup_fd = -1

    def __enter__(self) -> 'SignalWatcher':
        self._read_fd, self._write_fd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._previous_wakeup_fd = signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False)
        for signal_number in self.signals:
            self._previous_handlers[signal_number] = signal.signal(signal_number, _ignore)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        for signal_number, previous in self._previous_handlers.items():
            signal.signal(signal_number, previous)  # type: ignore[arg-type]
        self._previous_handlers.clear()
        signal.set_wakeup_fd(self._previous_wakeup_fd)
        os.close(self._read_fd)
        os.close(self._write_fd)
        self._read_fd = self._write_fd = -1

    def fileno(self) -> int:
        """:return: the end of the pipe to watch for readability"""
        return self._read_fd

    def wake(self) -> None:
        """Wake the main loop from another thread (a :data:`WAKE_UP` byte, which :meth:`pending` leaves out)."""
        try:
            os.write(self._write_fd, bytes((WAKE_UP,)))
        except BlockingIOError:  # the pipe is full, so the main loop wakes anyway
            pass

    def pending(self) -> list[signal.Signals]:
        """
        Read what arrived since the last call.

        :return: the signals, in the order they arrived, without duplicates
        """
        received: list[signal.Signals] = []
        while True:
            try:
                data = os.read(self._read_fd, 512)
            except BlockingIOError:
                break
            if not data:
                break
            for number in data:
                if number == WAKE_UP:
                    continue
                try:
                    signal_number = signal.Signals(number)
                except ValueError:
                    continue
                if signal_number not in received:
                    received.append(signal_number)
        return received
