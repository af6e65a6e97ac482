"""What a team member typed in the search box, read as BSN, birth date, postcode, house number and words.

One box for every way a wijkteam looks a client up: `999900067`, `17-05-1980`, `3011 AB 10`,
`Visser`, `Kade 10 Rotterdam` or any mix. Each part narrows the search (all must hold). A word
is matched against the surname, first names, prefix, street and place; it needs two letters at
least, so a single letter cannot list half the register. Bad input says what is wrong in Dutch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

MAX_QUERY = 100
MIN_WORD = 2

_BSN = re.compile(r"\d{9}")
_DUTCH_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_POSTCODE = re.compile(r"(\d{4})\s?([A-Za-z]{2})(?![A-Za-z])")
_HOUSE_NUMBER = re.compile(r"\d{1,5}")


class SearchError(ValueError):
    """The search text cannot be read as a search: the message says why, in Dutch."""


@dataclass(frozen=True, slots=True)
class SearchTerms:
    bsn: str | None = None
    geboortedatum: date | None = None
    postcode: str | None = None  # '3011AB': upper case, no space
    huisnummer: int | None = None
    words: tuple[str, ...] = ()  # lower case

    def kinds(self) -> list[str]:
        """Which kinds of term were given (for the audit log, which never holds the terms themselves)."""
        return [f.name for f in fields(self) if getattr(self, f.name)]


@dataclass(frozen=True, slots=True)
class Known:
    """What the caller may know of a client: the fields a search is checked against."""

    bsn: str
    geboortedatum: date | None
    postcode: str | None
    huisnummer: int | None
    texts: tuple[str | None, ...]  # surname, first names, prefix, street, place


def elfproef(bsn: str) -> bool:
    """The BSN eleven test: weights 9..2 and -1 over the nine digits, the sum divisible by 11."""
    if not _BSN.fullmatch(bsn):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(bsn, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0 and total != 0


def _date(text: str) -> date | None:
    dutch, iso = _DUTCH_DATE.fullmatch(text), _ISO_DATE.fullmatch(text)
    if not dutch and not iso:
        return None
    day, month, year = (dutch.groups() if dutch else tuple(reversed(iso.groups())))  # type: ignore[union-attr]
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise SearchError(f"'{text}' is geen bestaande datum: gebruik dd-mm-jjjj.") from None


def parse_terms(text: str) -> SearchTerms:
    """Read the search text; a SearchError when it is empty, too long or holds nothing to search by."""
    text = " ".join(text.split())
    if not text:
        raise SearchError("Vul een BSN, naam, geboortedatum of adres (postcode en huisnummer) in.")
    if len(text) > MAX_QUERY:
        raise SearchError(f"De zoekopdracht is te lang: gebruik hoogstens {MAX_QUERY} tekens.")
    postcode = None
    found = _POSTCODE.search(text)
    if found:
        postcode = (found.group(1) + found.group(2)).upper()
        text = text[:found.start()] + " " + text[found.end():]
    bsn, born, number, words = None, None, None, []
    for token in text.split():
        if _BSN.fullmatch(token):
            if not elfproef(token):
                raise SearchError(f"{token} is geen geldig BSN (de elfproef klopt niet).")
            bsn = token
        elif (day := _date(token)) is not None:
            born = day
        elif _HOUSE_NUMBER.fullmatch(token):
            number = int(token)
        elif token.isdigit():
            raise SearchError(f"'{token}' is geen BSN (9 cijfers) en geen huisnummer.")
        else:
            words.append(token.strip(",.").lower())
    words = [word for word in words if word]
    if short := [word for word in words if len(word) < MIN_WORD]:
        raise SearchError(f"'{short[0]}' is te kort om op te zoeken: gebruik minstens {MIN_WORD} letters.")
    return SearchTerms(bsn, born, postcode, number, tuple(words))


def matches(terms: SearchTerms, known: Known) -> bool:
    """Whether what the caller knows of a client answers every part of the search."""
    postcode = (known.postcode or "").replace(" ", "").upper()
    texts = [t.lower() for t in known.texts if t]
    return ((terms.bsn is None or terms.bsn == known.bsn)
            and (terms.geboortedatum is None or terms.geboortedatum == known.geboortedatum)
            and (terms.postcode is None or terms.postcode == postcode)
            and (terms.huisnummer is None or terms.huisnummer == known.huisnummer)
            and all(any(word in t for t in texts) for word in terms.words))
