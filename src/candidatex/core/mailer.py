"""Outgoing email: stored in the outbox collection, sent over SMTP when it is configured."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from candidatex.config import Settings
from candidatex.core.timeutil import utcnow

logger = logging.getLogger(__name__)


class OutboxEmail(Document):
    """Every email the platform sends, kept in the outbox (what `candidatex outbox` shows without SMTP)."""

    to: str
    subject: str
    body: str
    status: str = "pending"  # pending | sent | failed | stored
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None

    class Settings:
        name = "outbox"
        indexes = [IndexModel([("to", ASCENDING), ("created_at", ASCENDING)])]


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, to: str, subject: str, body: str) -> OutboxEmail:
        """One insert, and with SMTP one update by `_id` once it is sent. Never Beanie's `save()`: it is a
        `findAndModify`, which SecantusDB serves by scanning the whole outbox (core/writes.py), and without SMTP
        the final status is known before the insert."""
        if not self.settings.smtp_host:
            email = OutboxEmail(to=to, subject=subject, body=body, status="stored")
            await email.insert()
            # The body holds single-use links: it stays in the outbox (`candidatex outbox`), never in the log.
            logger.info("email stored in outbox", extra={"email_id": str(email.id), "subject": subject})
            return email
        email = OutboxEmail(to=to, subject=subject, body=body)
        await email.insert()
        try:
            await asyncio.to_thread(self._smtp_send, to, subject, body)
            email.status, email.sent_at = "sent", utcnow()
        except (OSError, smtplib.SMTPException) as exc:
            email.status, email.error = "failed", type(exc).__name__
            logger.warning("email delivery failed", extra={"email_id": str(email.id), "error": type(exc).__name__})
        await OutboxEmail.get_pymongo_collection().update_one(
            {"_id": email.id}, {"$set": {"status": email.status, "sent_at": email.sent_at, "error": email.error}})
        return email

    def _smtp_send(self, to: str, subject: str, body: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.smtp_from, to, subject
        message.set_content(body)
        with smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=10) as smtp:
            if s.smtp_tls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
            smtp.send_message(message)
