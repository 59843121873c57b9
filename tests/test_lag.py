"""The floors of the code: an app imports only from its own floor's lower neighbours, never from above.

docs/arkitektur.md draws the floors. Every import counts, also one inside a function, so a lazy import cannot
hide an arrow that runs upwards.
"""

import ast
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

# Lower number = lower floor. An app may import from its own floor's apps only if named in SAMME_ETAGE.
ETAGER = {
    "kerne": 0,
    "rammer": 1,
    "forbrug": 1.5,  # between master data and rounds: the rounds read its figures
    "budgetopfolgning": 2,
    "omstilling": 3,
    "rammeindsigt": 3,
    "config": 4,
}


def _imports(fil: Path) -> list[tuple[int, str]]:
    result = []
    for node in ast.walk(ast.parse(fil.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            result += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            result.append((node.lineno, node.module))
    return result


class FloorTests(SimpleTestCase):
    def test_no_import_runs_from_a_lower_floor_to_a_higher_one(self):
        rod = Path(settings.BASE_DIR)
        forkerte = []
        for app, etage in ETAGER.items():
            for fil in (rod / app).rglob("*.py"):
                if "migrations" in fil.parts:
                    continue  # a data migration may call the app's own code at its own floor
                for linje, modul in _imports(fil):
                    andet = modul.split(".")[0]
                    if andet in ETAGER and andet != app and ETAGER[andet] >= etage:
                        forkerte.append(f"{fil.relative_to(rod)}:{linje} importerer {modul}")
        self.assertEqual(forkerte, [])

    def test_the_floors_cover_every_app_of_the_project(self):
        rod = Path(settings.BASE_DIR)
        egne = {a.split(".")[0] for a in settings.INSTALLED_APPS if (rod / a.split(".")[0]).is_dir()}
        self.assertEqual(egne - set(ETAGER), set())
