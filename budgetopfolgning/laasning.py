"""What else a round freezes when it is locked, besides its own figures and Bilag.

Apps above the rounds (the omstilling follow-up) keep data about a round that must read the same once the round is
locked. They register a `Frysning` here from their AppConfig.ready(), so the lock service and `verificer_runder`
reach them without the rounds importing the apps built on top of them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from budgetopfolgning.models import Opfoelgning


@dataclass(frozen=True)
class Frysning:
    navn: str
    # Called inside the lock's transaction, after the status is set: stores the frozen state (what it returns is
    # not used).
    frys: Callable[[Opfoelgning], object]
    # Checks the stored state of a locked round: None when it is intact, else what is wrong (Danish).
    verificer: Callable[[Opfoelgning], str | None]


_frysninger: dict[str, Frysning] = {}


def registrer(frysning: Frysning) -> None:
    _frysninger[frysning.navn] = frysning


def frysninger() -> list[Frysning]:
    return list(_frysninger.values())
