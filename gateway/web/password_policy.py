"""The password policy: long enough, not the user name, not a well-known password or keyboard pattern.

The check normalises first (lower case, common letter-for-digit swaps undone, digits and symbols
at the ends dropped), so `Welkom2024!!!!` and `W3lk0m123456` are recognised as `welkom`.
"""

from __future__ import annotations

MIN_LENGTH = 12

# Words that head the published lists of leaked passwords, in English and Dutch, plus the words a
# Dutch municipality's staff would reach for first. Compared after normalisation (see `_core`).
_WORDS = """
password passwd wachtwoord welkom welcome admin administrator beheer beheerder root login letmein
qwerty azerty qwertz abc abcdef iloveyou ikhouvanjou monkey dragon master shadow sunshine princess
football voetbal baseball superman batman trustno changeme geheim secret test testen tester guest
gast default standaard zomer winter lente herfst voorjaar najaar januari februari maart april mei
juni juli augustus september oktober november december maandag dinsdag woensdag donderdag vrijdag
zaterdag zondag gemeente wijkteam wijk jeugdzorg jeugd zorg wmo istd istandaarden amsterdam rotterdam
utrecht denhaag eindhoven groningen nederland holland ajax feyenoord psv hallo hello starwars pokemon
minecraft computer internet samsung apple google microsoft
"""
COMMON_WORDS = frozenset(_WORDS.split())

KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm",
                 "abcdefghijklmnopqrstuvwxyz")
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
                      "!": "i"})


def _core(password: str) -> str:
    """Lower case, digits and symbols stripped from both ends, then digit-for-letter swaps undone."""
    lowered = password.lower()
    stripped = lowered.strip("0123456789!@#$%^&*()-_=+.,;:?/ ")
    return stripped.translate(LEET).replace(" ", "")


def _is_pattern(password: str) -> bool:
    """One repeated character or chunk, or a run along a keyboard row or the alphabet."""
    lowered = password.lower()
    for size in range(1, len(lowered) // 2 + 1):
        if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
            return True
    return any(lowered in row * 3 or lowered in row[::-1] * 3 for row in KEYBOARD_ROWS)


def problem(username: str, password: str) -> str | None:
    """Why `password` is refused, in one line; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"password: at least {MIN_LENGTH} characters"
    lowered = password.lower()
    if username and username.lower() in lowered:
        return "password: must not contain the user name"
    core = _core(password)
    if not core or core in COMMON_WORDS or _is_pattern(password) or _is_pattern(core):
        return "password: too easy to guess (a common password or a keyboard pattern); choose a passphrase"
    if any(core.startswith(word) and _core(core[len(word):]) in ("", *COMMON_WORDS) for word in COMMON_WORDS):
        return "password: too easy to guess (common words with digits); choose a passphrase"
    return None
