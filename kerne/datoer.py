"""Danish month names, for labels, choices and sentences ("Månedsstatus for marts 2024 er gemt")."""

MAANEDER = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]


def maanedsnavn(maaned: int) -> str:
    """1 → 'januar'."""
    return MAANEDER[maaned - 1]
