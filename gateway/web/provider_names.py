"""Provider names for the pages: the provider register (`istd providers load`), cached per process.

Each page request asks the register for its load time and size (one indexed-free aggregate over a
small table) and reads the names again only when that changed, so a new load shows on the next
page without a restart. A code without a name is shown as the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.providers import provider_names, register_version


@dataclass(slots=True)
class ProviderNames:
    names: dict[str, str] = field(default_factory=dict)
    version: tuple[datetime | None, int] = (None, 0)

    async def refresh(self, session: AsyncSession) -> None:
        version = await register_version(session)
        if version != self.version:
            self.names = await provider_names(session) if version[1] else {}
            self.version = version

    def label(self, code: str | None) -> str:
        """'Zorg Noord (12345678)' when the register knows the code; the code alone otherwise."""
        if not code:
            return ""
        name = self.names.get(code)
        return f"{name} ({code})" if name else code
