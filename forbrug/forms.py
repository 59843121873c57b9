from django import forms

from rammer.models import Budgetaar


class ForbrugUploadForm(forms.Form):
    aar = forms.ModelChoiceField(
        queryset=Budgetaar.objects.order_by("-aar"), label="Budgetår", empty_label=None, to_field_name="aar"
    )
    fil = forms.FileField(
        label="Fil med forbrug",
        help_text="CSV (UTF-8, semikolon) eller XLSX med overskriften konto;maaned;beloeb. Filen erstatter årets "
        "forbrug for de måneder, den indeholder.",
    )
    udelad_ukendte = forms.BooleanField(
        label="Udelad konti, der ikke findes i kontoplanen",
        required=False,
        help_text="Deres forbrug vises da som »Ikke fordelt forbrug« på budgetopfølgningernes sider.",
    )
