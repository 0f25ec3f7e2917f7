"""
Exceptions that option handlers raise to say what should happen on the wire. The message handler turns them into
behaviour in one place, so no handler decides on-wire behaviour by catching a generic exception.
"""

__all__ = ['HandlerException', 'CannotRespondError', 'UseMulticastError', 'ReplyWithStatusError']


class HandlerException(Exception):
    """The base class of exceptions with a protocol meaning."""


class CannotRespondError(HandlerException):
    """Send no reply at all (RFC 8415 section 16: the server discards the message)."""


class UseMulticastError(HandlerException):
    """Reply with only a UseMulticast status (RFC 8415 section 18.4): the client may not unicast to us."""


class ReplyWithStatusError(HandlerException):
    """
    Reply with only a status code (and the server and client identifiers), for example NotOnLink to a Confirm.

    :ivar status_code: the ``STATUS_*`` code for the Reply
    :ivar status_message: the message for people
    """

    def __init__(self, status_code: int, status_message: str):
        super().__init__(status_message)
        self.status_code = status_code
        self.status_message = status_message
