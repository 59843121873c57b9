from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from kerne import roller

# What Center for Økonomi manages in the admin: the kommune's settings, users and roles, the konsulenters' rammer,
# the years' udvalg and rammer, the letterhead of open rounds, the kontoplan and the periodisering. Figures are never
# edited in the admin (forbrug comes from the ERP's files and is only viewed there). The groups themselves (the roles
# and their permissions) are not on the list: the user admin offers the three roles by name.
OKONOMI_ADMIN = {
    "auth": {"user": "add change view"},
    "rammer": {
        "rammeansvar": "add change delete view",
        "budgetaar": "change view",
        "udvalg": "add change view",
        "bevillingsramme": "add change view",
        "rammedel": "change view",  # overført fra sidste år; the adopted budget stays read-only
    },
    "budgetopfolgning": {"opfoelgning": "change view"},
    # Who fetched which Bilag and workbook, and who saw which open round: read only.
    "kerne": {"adgangslog": "view", "kommune": "add change view"},
    "forbrug": {
        "konto": "add change delete view",
        "forbrug": "view",
        "aarsperiodisering": "add change delete view",
        "rammeperiodisering": "add change delete view",
    },
}


class Command(BaseCommand):
    help = (
        "Opretter de tre roller (Center for Økonomi, Økonomikonsulent, Udvalgsmedlem) og giver Center for Økonomi "
        "adgang til at administrere brugere og konsulenternes rammer i administrationen. Kan køres igen; "
        "rettigheder, rollen ikke længere skal have, fjernes."
    )

    def handle(self, *args, **options):
        for navn in roller.ROLLER:
            Group.objects.get_or_create(name=navn)
        okonomi = Group.objects.get(name=roller.OKONOMI)
        # set(), not add(): running the command again also takes back what the role no longer has.
        okonomi.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=f"{handling}_{model}")
                for app_label, modeller in OKONOMI_ADMIN.items()
                for model, handlinger in modeller.items()
                for handling in handlinger.split()
            ]
        )
        self.stdout.write(self.style.SUCCESS("Rollerne er sat op."))
