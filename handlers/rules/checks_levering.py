"""Level 2: rules on start (305) and stop (307) lines that are not about dates or keys (CS058)."""

from __future__ import annotations

from collections.abc import Iterator

from handlers.findings import Finding
from handlers.messages import Start, Stop
from handlers.rules.checks_base import at, finding, in_message

ALLOWED_STATUS = frozenset({"1", "3"})  # first delivery, delete delivery; 2 and 9 are not used (OP033x2)


@in_message("CS058", messages=(305, 307),
            summary="StatusAanlevering is 1 (first delivery) or 3 (delete delivery).")
def cs058_status_aanlevering(message: Start | Stop) -> Iterator[Finding]:
    for product in message.client.producten:
        if product.status_aanlevering not in ALLOWED_STATUS:
            yield finding("CS058", at(product.xpath, "StatusAanlevering"),
                          f"StatusAanlevering {product.status_aanlevering} is not allowed: only 1 or 3.")
