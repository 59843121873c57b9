from django.core.management.base import BaseCommand
from django.utils import timezone

from budgetopfolgning.paamindelser import send_paamindelser
from kerne.tekst import antal


class Command(BaseCommand):
    help = (
        "Sender påmindelser om åbne budgetopfølgningers frist: hver økonomikonsulent får sine rammer, der ikke er "
        "meldt klar; Center for Økonomi får en oversigt. Højst én e-mail om dagen pr. modtager og runde. "
        "Køres fra cron."
    )

    def handle(self, *args, **options):
        afsendt = send_paamindelser(idag=timezone.localdate())
        for a in afsendt:
            rammer = antal(a.antal_rammer, "ramme", "rammer")
            self.stdout.write(f"Sendt til {a.modtager.email}: {a.opfoelgning} ({rammer})")
        self.stdout.write(self.style.SUCCESS(f"{antal(len(afsendt), 'påmindelse', 'påmindelser')} sendt."))
