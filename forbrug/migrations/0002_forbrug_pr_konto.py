"""Forbrug moves from a row per konto and month to a row per konto and year with a column per month: a year's file
of 100.000 lines becomes some 8.300 rows. Existing forbrug is carried over (and back, if the migration is reversed).
Its mapping is no longer a column: it is found by year and konto in the kontoplan.

The new table is made beside the old one under a passing name, filled, and then takes the old one's name."""

import django.db.models.deletion
from django.db import migrations, models

import kerne.beloeb

MAANEDER = range(1, 13)


def til_pr_konto(apps, schema_editor):
    Gammel = apps.get_model("forbrug", "Forbrug")
    Ny = apps.get_model("forbrug", "NytForbrug")
    raekker: dict[tuple[int, str], Ny] = {}
    for aar_id, konto, maaned, beloeb in Gammel.objects.values_list("aar_id", "konto", "maaned", "beloeb").iterator(
        chunk_size=5_000
    ):
        raekke = raekker.get((aar_id, konto))
        if raekke is None:
            raekke = raekker[(aar_id, konto)] = Ny(aar_id=aar_id, konto=konto)
        setattr(raekke, f"maaned_{maaned}", beloeb)
    Ny.objects.bulk_create(raekker.values(), batch_size=2_000)


def til_pr_maaned(apps, schema_editor):
    Gammel = apps.get_model("forbrug", "Forbrug")
    Ny = apps.get_model("forbrug", "NytForbrug")
    Konto = apps.get_model("forbrug", "Konto")
    konti = {(k.aar_id, k.konto): k.pk for k in Konto.objects.all()}
    linjer = [
        Gammel(aar_id=r.aar_id, konto=r.konto, kontoplan_id=konti.get((r.aar_id, r.konto)), maaned=m, beloeb=b)
        for r in Ny.objects.iterator(chunk_size=2_000)
        for m in MAANEDER
        if (b := getattr(r, f"maaned_{m}")) is not None
    ]
    Gammel.objects.bulk_create(linjer, batch_size=5_000)


def maanedsfelt(navn: str) -> kerne.beloeb.BeloebField:
    return kerne.beloeb.BeloebField(blank=True, default=None, null=True, verbose_name=navn)


MAANEDSNAVNE = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
                "november", "december"]


class Migration(migrations.Migration):
    dependencies = [
        ("forbrug", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="NytForbrug",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("konto", models.CharField(max_length=50, verbose_name="konto")),
                ("aar", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                          related_name="+", to="rammer.budgetaar", verbose_name="år")),
                *((f"maaned_{m}", maanedsfelt(navn)) for m, navn in zip(MAANEDER, MAANEDSNAVNE, strict=True)),
            ],
            options={"verbose_name": "forbrug", "verbose_name_plural": "forbrug"},
        ),
        migrations.RunPython(til_pr_konto, til_pr_maaned),
        migrations.DeleteModel(name="Forbrug"),
        migrations.RenameModel(old_name="NytForbrug", new_name="Forbrug"),
        migrations.AlterField(
            model_name="forbrug",
            name="aar",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="forbrug", to="rammer.budgetaar", verbose_name="år"),
        ),
        # No column: the state only (and SQLite's schema editor cannot remove a ForeignObject when reversing).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="forbrug",
                    name="kontoplan",
                    field=models.ForeignObject(from_fields=["aar", "konto"], null=True,
                                               on_delete=django.db.models.deletion.DO_NOTHING,
                                               related_name="forbrug", to="forbrug.konto", to_fields=["aar", "konto"]),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="forbrug",
            constraint=models.UniqueConstraint(fields=("aar", "konto"), name="forbrug_konto_unik"),
        ),
    ]
