"""Sender authentication: a broker user may only send as the parties (AGB or CBS codes) mapped to it.

RabbitMQ refuses a publish whose `user_id` property differs from the connection's user
(PRECONDITION_FAILED), so a delivery's `user_id` names who published it; a delivery without one
could come from anyone with access to the exchange. The party a message speaks for is read from
its header: the Afzender of a heen message (the gemeente for 301/319/325, the aanbieder for
305/307/315/317/323), and the Ontvanger of a retour, because a retour carries the heen header
unchanged (IV028): a provider's 302 names the gemeente as Afzender and itself as Ontvanger.

    refusal(origin, document) -> reason | None
        origin None ................. a local file (`istd ingest`): the operator, never refused
        enforcement off ............. never refused (a start-up warning says so)
        no user_id / unmapped user .. refused, unparsed or not
        document not parsed ......... not refused here: it is invalid anyway and has no party
        party not mapped to the user  refused

The check comes after the duplicate check: bytes already processed are a duplicate for anyone (no
effect, nothing published again), so replaying someone else's processed message achieves nothing.
A refusal is stored under `refusal_key`, never under the bytes' own sha256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway.codec import ParsedDocument
from gateway.logs import fields, get_logger
from gateway.settings import Settings
from handlers.table import Role, role_of

log = get_logger("senders")
CODE = "SENDER"  # the finding code of a refusal; no retourcode exists for it (outside the standard)
LEVEL = 0  # transport level: decided before any of the standard's four check levels


@dataclass(frozen=True, slots=True)
class Origin:
    """Who put a delivery on the queue: RabbitMQ's validated `user_id`, None when the publisher set none."""

    user_id: str | None


def refusal_key(origin: Origin | None, raw: bytes) -> str:
    """The idempotency key of a refused message: its bytes *and* the user who sent them.

    Keyed apart from the bytes' own sha256, so bytes refused for one user never block the same
    bytes from the party entitled to send them, while a redelivery of the refusal stays a duplicate.
    """
    user = (origin.user_id if origin else None) or ""
    return hashlib.sha256(b"refused\x00" + user.encode() + b"\x00" + raw).hexdigest()


def load_mapping(users: Mapping[str, list[str] | str], file: str | None) -> dict[str, frozenset[str]]:
    """Broker user -> party codes, from the settings and a JSON file of the same shape, merged."""
    merged: dict[str, set[str]] = {}
    sources: list[Mapping[str, list[str] | str]] = [users]
    if file:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{file}: expected a JSON object of broker user -> party codes")
        sources.append(data)
    for source in sources:
        for user, codes in source.items():
            merged.setdefault(user, set()).update([codes] if isinstance(codes, str) else codes)
    return {user: frozenset(codes) for user, codes in merged.items()}


def _sender_field(doc: ParsedDocument) -> str:
    # A retour copies the heen header unchanged (IV028): its sender is the heen message's Ontvanger.
    return "Ontvanger" if role_of(doc.message_type.number) is Role.RETOUR else "Afzender"


def party_of(doc: ParsedDocument) -> str | None:
    """The code of the party that sent the document (see the module docstring), None if absent."""
    parties = doc.parties()
    return parties.ontvanger if _sender_field(doc) == "Ontvanger" else parties.afzender


class SenderPolicy:
    """The mapping and whether it is enforced; built once per process from the settings."""

    def __init__(self, *, enforce: bool, users: Mapping[str, frozenset[str]]) -> None:
        self.enforce = enforce
        self.users = dict(users)

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderPolicy:
        config = settings.senders
        return cls(enforce=config.enforce, users=load_mapping(config.users, config.file))

    def announce(self) -> None:
        """The worker's start-up line on authentication: a warning while it is off or maps nobody."""
        if not self.enforce:
            log.warning(
                "sender authentication is off: any broker user may send as any party "
                "(set ISTD_SENDERS__ENFORCE=true and ISTD_SENDERS__USERS or ISTD_SENDERS__FILE)"
            )
        elif not self.users:
            log.warning("sender authentication is on but no broker user is mapped: every message is refused")
        else:
            log.info("sender authentication on", extra=fields(users=len(self.users)))

    def refusal(self, origin: Origin | None, doc: ParsedDocument | None) -> str | None:
        """Why this delivery may not be processed, or None when it may (no personal data in the reason)."""
        if origin is None or not self.enforce:
            return None
        if origin.user_id is None:
            return "the message carries no user_id: the sender cannot be authenticated"
        allowed = self.users.get(origin.user_id)
        if allowed is None:
            return f"broker user {origin.user_id} is not mapped to any party"
        if doc is None:
            return None
        party = party_of(doc)
        if party in allowed:
            return None
        field = _sender_field(doc)
        # Unquoted on purpose: error reports blank out quoted values (they may be personal data).
        return (
            f"broker user {origin.user_id} may not send as {field} {party or '(none)'} "
            f"(allowed: {', '.join(sorted(allowed))})"
        )
