from django.db import migrations

ROLLER = ("Center for Økonomi", "Økonomikonsulent", "Udvalgsmedlem")


def opret_roller(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for navn in ROLLER:
        Group.objects.get_or_create(name=navn)


class Migration(migrations.Migration):
    dependencies = [("budgetopfolgning", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(opret_roller, migrations.RunPython.noop)]
