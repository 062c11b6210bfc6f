"""A mail server that is down, and one that works: the only thing these tests replace is the SMTP
connection (outside the system); Django's real SMTP backend and our outbox run unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class _RefusingSMTP:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError(111, "Connection refused")


class _RecordingSMTP:
    received: list[tuple[str, list[str], bytes]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def ehlo_or_helo_if_needed(self) -> None:
        pass

    def starttls(self, *args: Any, **kwargs: Any) -> None:
        pass

    def login(self, *args: Any) -> None:
        pass

    def sendmail(self, from_addr: str, to_addrs: list[str], msg: bytes, *args: Any) -> dict[str, Any]:
        self.received.append((from_addr, list(to_addrs), msg))
        return {}

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


@contextmanager
def smtp_down() -> Iterator[None]:
    with mock.patch("django.core.mail.backends.smtp.smtplib.SMTP", _RefusingSMTP):
        yield


@contextmanager
def smtp_up() -> Iterator[list[tuple[str, list[str], bytes]]]:
    received: list[tuple[str, list[str], bytes]] = []
    with (
        mock.patch.object(_RecordingSMTP, "received", received),
        mock.patch("django.core.mail.backends.smtp.smtplib.SMTP", _RecordingSMTP),
    ):
        yield received
