from django.db import migrations


def frys_laaste_opfoelgninger(apps, schema_editor):
    """Rounds locked before frozen copies existed get one now, from the tables as they stand, so that
    `verificer_runder` can hold every locked round to its copy from here on.

    This calls the application's own freezing code (the copy must be the one the page reads), so it must run after
    the schema changes that code relies on; a database that has no locked round without a copy skips it entirely.
    """
    Opfoelgning = apps.get_model("budgetopfolgning", "Opfoelgning")
    FrossenForslagsstatus = apps.get_model("omstilling", "FrossenForslagsstatus")
    mangler = Opfoelgning.objects.filter(status="laast").exclude(
        pk__in=FrossenForslagsstatus.objects.values("opfoelgning_id")
    )
    if not mangler.exists():
        return
    from budgetopfolgning.models import Opfoelgning as AppOpfoelgning
    from omstilling import forslagsstatus

    for opfoelgning in AppOpfoelgning.objects.filter(pk__in=list(mangler.values_list("pk", flat=True))):
        forslagsstatus.frys(opfoelgning)


class Migration(migrations.Migration):
    dependencies = [
        # Last in line: the freezing code reads the models as they are after every schema change before it.
        ("omstilling", "0004_versioner"),
        ("budgetopfolgning", "0006_versioneret_i_kernen"),
        ("rammer", "0006_versioner"),
    ]

    operations = [migrations.RunPython(frys_laaste_opfoelgninger, migrations.RunPython.noop)]
