import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from forbrug.forms import ForbrugUploadForm
from kerne import jobs
from kerne.indlaesning import MAKS_BYTES
from kerne.roller import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def indlaes_forbrug(request: AuthenticatedHttpRequest):
    """Center for Økonomi uploads a forbrug file. It is imported by a background job (kerne/jobs.py), whose page shows
    its progress and then its result or every error with its line and column; all or nothing."""
    if not rules.has_perm("forbrug.importer_forbrug", request.user):
        raise PermissionDenied
    form = ForbrugUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fil = form.cleaned_data["fil"]
        aar = form.cleaned_data["aar"].aar
        try:
            job = jobs.opret(
                art="forbrug",
                noegle=f"forbrug:{aar}",
                beskrivelse=f"forbrug for {aar}",
                filnavn=fil.name,
                data=fil.read(MAKS_BYTES + 1),
                parametre={"aar": aar, "udelad_ukendte": form.cleaned_data["udelad_ukendte"]},
                bruger=request.user,
            )
        except jobs.ImportIGang as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("importjob", job.pk)
    status = 400 if form.errors else 200
    return render(request, "forbrug/indlaes.html", {"form": form}, status=status)
