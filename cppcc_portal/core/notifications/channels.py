"""Delivery channels: the in-app inbox, e-mail, and a registry so SMS or WeChat can be added.

A channel sends one notification; the delivery loop records each completed external channel in
NotificationDelivery, so a notification redone after a crash skips the channels already done.
The inbox is the row itself: it "arrives" when the row is marked sent.
"""

from __future__ import annotations

import smtplib
from abc import ABC, abstractmethod
from typing import ClassVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from cppcc_portal.core.models import Notification


class TransientDeliveryError(Exception):
    """A failure worth retrying later (the mail server is busy or unreachable)."""


class Channel(ABC):
    """One way of reaching a person. Subclasses set `name` and implement applies() and send()."""

    name: ClassVar[str] = ""
    # External channels leave a NotificationDelivery row; the inbox needs none.
    records_delivery: ClassVar[bool] = True
    # Errors that mean "try again later" rather than "this will never work".
    transient_errors: ClassVar[tuple[type[BaseException], ...]] = ()

    def open(self) -> None:
        """Prepare for a batch (open a connection); called once per batch."""
        return None

    def close(self) -> None:
        """Release what open() took."""
        return None

    @abstractmethod
    def applies(self, notification: Notification) -> bool:
        """Whether this notification goes out on this channel."""

    @abstractmethod
    def send(self, notification: Notification) -> None:
        """Send it; raise one of transient_errors to have it retried later."""


class InboxChannel(Channel):
    """The portal's own inbox: the row becomes visible once it is marked sent."""

    name = "inbox"
    records_delivery = False

    def applies(self, notification: Notification) -> bool:
        return True

    def send(self, notification: Notification) -> None:
        return None


class EmailChannel(Channel):
    """E-mail through Django's mail backend (SMTP in production, files in the embedded mode)."""

    name = "email"
    transient_errors = (smtplib.SMTPException, OSError, TransientDeliveryError)

    def __init__(self) -> None:
        self.connection = None

    def open(self) -> None:
        self.connection = get_connection(fail_silently=False)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def applies(self, notification: Notification) -> bool:
        # The choice is read again at sending time, so turning e-mail off stops rows already queued.
        recipient = notification.recipient
        preference = getattr(recipient, "preference", None)
        still_wanted = preference is None or notification.kind in (preference.email_kinds or [])
        return bool(notification.send_email and recipient.email and still_wanted)

    def send(self, notification: Notification) -> None:
        link = notification.link
        if link.startswith("/"):
            link = settings.PORTAL_BASE_URL.rstrip("/") + link
        with translation.override(recipient_language(notification.recipient)):
            text = render_to_string(
                "notifications/email.txt", {"notification": notification, "absolute_link": link}
            )
        message = EmailMessage(
            subject=header_safe(notification.title),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient.email],
            headers={
                "X-Portal-Notification": str(notification.pk),
                "Message-ID": message_id(notification),
            },
            connection=self.connection,
        )
        message.send()


def header_safe(text: str) -> str:
    """One line without control characters: a title typed with a line break cannot break a header."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def message_id(notification: Notification) -> str:
    """The same Message-ID every time this notification is e-mailed, so a repeat is recognisable."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    created = int(notification.created_at.timestamp()) if notification.created_at else 0
    return f"<notification.{notification.pk}.{created}@{domain}>"


def recipient_language(user) -> str:
    """The language a person reads their notifications in (their preference, else the default)."""
    # A missing preference row raises RelatedObjectDoesNotExist, an AttributeError.
    preference = getattr(user, "preference", None) if user is not None else None
    return (preference.language if preference is not None else None) or settings.LANGUAGE_CODE


_channels: dict[str, type[Channel]] = {}


def register_channel(channel_class: type[Channel]) -> type[Channel]:
    """Add a channel (usable as a class decorator); rules need not change to use it."""
    _channels[channel_class.name] = channel_class
    return channel_class


def unregister_channel(name: str) -> None:
    _channels.pop(name, None)


def active_channels() -> list[Channel]:
    """Fresh channel instances for one batch, the inbox last (it completes the notification)."""
    ordered = sorted(_channels.values(), key=lambda cls: (cls is InboxChannel, cls.name))
    return [cls() for cls in ordered]


register_channel(InboxChannel)
register_channel(EmailChannel)
