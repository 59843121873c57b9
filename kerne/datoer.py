"""Danish month names and dates, for labels, choices and sentences ("Månedsstatus for marts 2024 er gemt",
"2. dec. 2026")."""

from datetime import date, datetime

from django.utils import timezone

MAANEDER = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]


def maanedsnavn(maaned: int) -> str:
    """1 → 'januar'."""
    return MAANEDER[maaned - 1]


# Short month names as Danish writes them: with a full stop where letters are left out, none for "maj".
KORTE_MAANEDER = [
    "jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
]


def _lokal(tidspunkt: datetime) -> datetime:
    return timezone.localtime(tidspunkt) if timezone.is_aware(tidspunkt) else tidspunkt


def kort_dato(dato: date) -> str:
    """2026-12-02 → '2. dec. 2026' (Django's "M" gives "Dec", English capitalisation); an aware moment by its
    local date."""
    if isinstance(dato, datetime):
        dato = _lokal(dato)
    return f"{dato.day}. {KORTE_MAANEDER[dato.month - 1]} {dato.year}"


def dato_og_tid(tidspunkt: datetime) -> str:
    """An aware moment in local time: '2. dec. 2026 kl. 14.05'."""
    lokal = _lokal(tidspunkt)
    return f"{kort_dato(lokal)} kl. {lokal:%H.%M}"
