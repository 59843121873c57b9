from pathlib import Path

from django.core.management.base import CommandError

from kerne.indlaesning import MAKS_FEJL, ImportFejl


def laes_fil(sti: str) -> tuple[bytes, str]:
    path = Path(sti)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise CommandError(f"Filen {path} kan ikke læses: {exc.strerror}") from exc


def afvist(command, filnavn: str, exc: ImportFejl) -> CommandError:
    for linje in exc.fejl:
        command.stderr.write(linje)
    antal = f"de første {MAKS_FEJL} fejl er vist" if len(exc.fejl) >= MAKS_FEJL else f"{len(exc.fejl)} fejl"
    return CommandError(f"{filnavn} blev ikke importeret ({antal}); intet er ændret.")
