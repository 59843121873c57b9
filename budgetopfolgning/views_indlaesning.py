"""Center for Økonomi uploads a round's budget file in the browser: it runs as a background job (`kerne.jobs`),
and the job's page shows how far it has come, then its result or every error."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from budgetopfolgning.forms import BudgetUploadForm
from kerne import jobs
from kerne.indlaesning import MAKS_BYTES
from kerne.models import Importjob
from kerne.roller import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def indlaes_budget(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.has_perm("budgetopfolgning.importer_budget", request.user):
        raise PermissionDenied
    form = BudgetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pr_dato = data["pr_dato"]
        try:
            job = jobs.opret(
                art="budget",
                noegle=f"budget:{data['aar']}:{data['nummer']}",
                beskrivelse=f"{data['nummer']}. budgetopfølgning {data['aar']}",
                filnavn=data["fil"].name,
                data=data["fil"].read(MAKS_BYTES + 1),
                parametre={
                    "aar": data["aar"],
                    "nummer": data["nummer"],
                    "pr_dato": pr_dato.isoformat() if pr_dato else None,
                },
                bruger=request.user,
            )
        except jobs.ImportIGang as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("importjob", job.pk)
    return render(request, "budgetopfolgning/indlaes.html", {"form": form}, status=400 if form.errors else 200)


# Who may follow each kind of job (those who may start it), and where to upload another file of its kind.
RETTIGHED = {"budget": "budgetopfolgning.importer_budget", "forbrug": "forbrug.importer_forbrug"}
IGEN = {"budget": "indlaes_budget", "forbrug": "forbrug:indlaes"}


@require_safe
def importjob(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    """An import job's progress, then its result or errors (budget or forbrug); the page reloads itself while the job
    runs."""
    if not any(rules.has_perm(ret, request.user) for ret in RETTIGHED.values()):
        raise PermissionDenied
    job = get_object_or_404(Importjob.objects.defer("fil").select_related("oprettet_af"), pk=job_id)
    if not rules.has_perm(RETTIGHED[job.art], request.user):
        raise PermissionDenied
    link = None
    if job.status == Importjob.FAERDIG and job.art == "budget":
        link = reverse("opfoelgning", args=[job.parametre["aar"], job.parametre["nummer"]])
    return render(request, "importjob.html", {"job": job, "link": link, "igen": reverse(IGEN[job.art])})
