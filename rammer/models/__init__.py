"""The rammer app's models: master data (`stamdata`) and the ramme-in-depth data (`indsigt`).

Everyone imports them from here, `from rammer.models import Bevillingsramme`, as from any app's models module.
"""

from rammer.models.indsigt import (
    Aarsregnskab,
    Aktivitetskategori,
    Estimatdel,
    Estimatlinje,
    Fokusomraade,
    Ledelsesinformation,
    Maanedsstatus,
    Rammebeskrivelse,
    Regnskabsbemaerkning,
    Regnskabslinje,
    Underretningstal,
    Ydelse,
)
from rammer.models.stamdata import (
    RAMME_NUMMER_REGEX,
    Aktivitet,
    Aktivitetsdel,
    Bevillingsramme,
    Budgetaar,
    Rammeansvar,
    Rammedel,
    Udvalg,
    ramme_nummer_validator,
    udvalgskode_validator,
)

__all__ = [
    "RAMME_NUMMER_REGEX",
    "Aarsregnskab",
    "Aktivitet",
    "Aktivitetsdel",
    "Aktivitetskategori",
    "Bevillingsramme",
    "Budgetaar",
    "Estimatdel",
    "Estimatlinje",
    "Fokusomraade",
    "Ledelsesinformation",
    "Maanedsstatus",
    "Rammeansvar",
    "Rammebeskrivelse",
    "Rammedel",
    "Regnskabsbemaerkning",
    "Regnskabslinje",
    "Udvalg",
    "Underretningstal",
    "Ydelse",
    "ramme_nummer_validator",
    "udvalgskode_validator",
]
