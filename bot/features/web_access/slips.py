"""The invitation slip's web link: a one-time sign-in for each guardian's web account, valid
as long as the slip's invitation code (bot/features/web_access/families.py says who it opens)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.web_access.families import end_class_links, web_account
from bot.features.web_access.queries import issue_until
from bot.features.web_access.rules import shown_code


class SlipLink(NamedTuple):
    """A web sign-in printed on a slip: the link (its QR code) and the code to type."""

    link: str
    code: str
    site: str  # where the code is typed, as printed: truong.example.edu.vn/solienlac


class SlipLinks:
    """Makes the web links of a class's slips (`accounts.invitations.WebLinks`): each chosen
    guardian's web account gets a one-time sign-in valid as long as the slip's code; every
    earlier unused web link of the class's guardians ends (a reprint replaces the slips)."""

    def __init__(self, web_url: str) -> None:
        self.web_url = web_url  # SCHOOLBOT_WEB_URL, ending with "/"
        self.site = web_url.split("://", 1)[-1].rstrip("/")

    async def __call__(
        self,
        session: AsyncSession,
        school_id: int,
        class_id: int,
        guardians: Sequence[int],
        now: datetime,
        expires_at: datetime,
    ) -> Mapping[int, SlipLink]:
        """{guardian: the link and code printed on their slip}."""
        await end_class_links(session, school_id, class_id, now)
        links = {}
        for guardian_id in dict.fromkeys(guardians):  # brothers and sisters: one link
            account = await web_account(session, school_id, guardian_id)
            issued = await issue_until(session, account, now, expires_at)
            links[guardian_id] = SlipLink(
                f"{self.web_url}login/{issued.token}", shown_code(issued.code), self.site
            )
        return links
