from decimal import Decimal

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from forbrug.forms import ForbrugUploadForm
from forbrug.services import importer_forbrug
from kerne.beloeb import dansk_tal
from kerne.indlaesning import MAKS_BYTES, ImportFejl
from kerne.roller import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def indlaes_forbrug(request: AuthenticatedHttpRequest):
    """Center for Økonomi uploads a forbrug file; all or nothing, every error with its line and column."""
    if not rules.has_perm("forbrug.importer_forbrug", request.user):
        raise PermissionDenied
    form = ForbrugUploadForm(request.POST or None, request.FILES or None)
    fejl: list[str] = []
    if request.method == "POST" and form.is_valid():
        fil = form.cleaned_data["fil"]
        aar = form.cleaned_data["aar"].aar
        data = fil.read(MAKS_BYTES + 1)
        try:
            resultat = importer_forbrug(
                data=data, filnavn=fil.name, aar=aar, udelad_ukendte=form.cleaned_data["udelad_ukendte"]
            )
        except ImportFejl as exc:
            fejl = exc.fejl
        else:
            besked = (
                f"{fil.name} er indlæst: {dansk_tal(Decimal(resultat.linjer))} linjer for {aar}, måned "
                f"{', '.join(str(m) for m in resultat.maaneder)}."
            )
            if resultat.udeladte_konti:
                besked += (
                    f" {resultat.udeladte_konti} konti findes ikke i kontoplanen; deres forbrug på "
                    f"{dansk_tal(resultat.ikke_fordelt, 2)} kr. vises som ikke fordelt."
                )
            messages.success(request, besked)
            return redirect("forbrug:indlaes")
    status = 400 if form.errors or fejl else 200
    return render(request, "forbrug/indlaes.html", {"form": form, "fejl": fejl}, status=status)
