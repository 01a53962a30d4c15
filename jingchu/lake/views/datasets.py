"""Pages of the lake: datasets under /lake/ — the list with search and filters, a dataset (schema,
versions, a masked preview of any version, the catalog resources mounted on it), register and
edit, upload a file for a load, and the load's page whose progress element polls a fragment
until the load is done or failed. The load itself runs as a task after the upload commits
(in-process when tasks are eager)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jingchu.core.choices import UpdateFrequency
from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.core.models import Organization
from jingchu.identity.permissions import is_province_steward
from jingchu.lake import links, permissions, query, storage
from jingchu.lake.actions import datasets as actions
from jingchu.lake.choices import DatasetStatus, JobStatus
from jingchu.lake.models import Dataset, DatasetVersion, IngestJob

PAGE_SIZE = 20
PREVIEW_ROWS = 50
COLUMNS_HELP = _lazy("One column per line: name | type | label | required (yes/no) | masking "
                     "rule. Types: string, integer, decimal, date, datetime, boolean. Masking "
                     "rules: id_number, phone, address, name, full. Leave empty to infer the "
                     "columns from the first load.")
YES = {"yes", "y", "true", "1", "是", "required", "必填"}


def parse_columns(text: str) -> list[dict[str, Any]]:
    columns = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 5
        columns.append({"name": parts[0], "type": parts[1] or "string", "label": parts[2],
                        "required": parts[3].lower() in YES, "mask": parts[4]})
    return columns


def format_columns(columns: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{c['name']} | {c.get('type', 'string')} | {c.get('label', '')} | "
        f"{'yes' if c.get('required') else 'no'} | {c.get('mask', '')}".rstrip(" |")
        for c in columns)


class DatasetForm(forms.Form):
    owner = forms.ModelChoiceField(label=_lazy("Owner"), queryset=Organization.objects.none())
    code = forms.CharField(label=_lazy("Code"), max_length=100,
                           help_text=_lazy("<owner>/<name>, e.g. hb-rst/si-enrolment"))
    name = forms.CharField(label=_lazy("Name"), max_length=200)
    description = forms.CharField(label=_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    update_frequency = forms.ChoiceField(label=_lazy("Update frequency"),
                                         choices=UpdateFrequency.choices,
                                         initial=UpdateFrequency.MONTHLY)
    columns_text = forms.CharField(label=_lazy("Columns"), required=False,
                                   help_text=COLUMNS_HELP,
                                   widget=forms.Textarea(attrs={"rows": 8}))
    key_column = forms.CharField(label=_lazy("Key column"), required=False, max_length=100,
                                 help_text=_lazy("The column a record is looked up by."))

    def __init__(self, *args: Any, owners: QuerySet[Organization] | None = None,
                 editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners if owners is not None else Organization.objects.none()
        if editing:
            del self.fields["owner"]
            del self.fields["code"]

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("owner", "columns_text")}
        data["columns"] = parse_columns(self.cleaned_data["columns_text"])
        return data


class LoadForm(forms.Form):
    file = forms.FileField(label=_lazy("File (CSV, Excel .xlsx or Parquet)"))
    encoding = forms.ChoiceField(label=_lazy("Encoding of a CSV file"), choices=[
        ("auto", _lazy("Detect")), ("utf-8", "UTF-8"), ("gbk", "GBK / GB18030")])
    sheet = forms.CharField(label=_lazy("Sheet of a workbook"), required=False, max_length=100,
                            help_text=_lazy("Empty: the first sheet."))


def _owners(request: HttpRequest) -> QuerySet[Organization]:
    if is_province_steward(request.user):
        return Organization.objects.filter(is_active=True).order_by("name")
    return Organization.objects.filter(
        pk__in=permissions.steward_org_ids(request.user)).order_by("name")


def _dataset(request: HttpRequest, uid: UUID, check: Any = permissions.can_view_dataset
             ) -> Dataset:
    dataset = Dataset.objects.select_related("owner", "current_version").filter(uid=uid).first()
    if dataset is None:
        permissions.require(permissions.can_browse_lake(request.user))
        raise Http404
    permissions.require(check(request.user, dataset))
    return dataset


def _search(request: HttpRequest) -> QuerySet[Dataset]:
    found = Dataset.objects.select_related("owner", "current_version")
    text = request.GET.get("q", "").strip()
    if text:
        found = found.filter(Q(code__icontains=text) | Q(name__icontains=text))
    owner = request.GET.get("owner", "")
    if owner:
        try:
            found = found.filter(owner__uid=UUID(owner))
        except ValueError:
            found = found.none()
    if request.GET.get("status") in DatasetStatus.values:
        found = found.filter(status=request.GET["status"])
    return found.order_by("code")


@login_required
@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_browse_lake(request.user))
    page = Paginator(_search(request), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    owners = Organization.objects.filter(lake_datasets__isnull=False).distinct().order_by("name")
    return render(request, "lake/datasets/list.html", {
        "page": page, "q": request.GET, "query": query_string.urlencode(), "owners": owners,
        "statuses": DatasetStatus.choices,
        "may_register": is_province_steward(request.user) or bool(
            permissions.steward_org_ids(request.user))})


def _chosen_version(request: HttpRequest, dataset: Dataset) -> DatasetVersion | None:
    raw = request.GET.get("v", "")
    if raw.isdigit():
        version = dataset.versions.filter(number=int(raw)).first()
        if version is None:
            raise Http404
        return version
    return dataset.current_version


@login_required
@require_GET
def dataset_detail(request: HttpRequest, uid: UUID) -> HttpResponse:
    dataset = _dataset(request, uid)
    version = _chosen_version(request, dataset)
    columns: list[str] = []
    rows: list[list[Any]] = []
    if version is not None and storage.absolute(version.path).exists():
        columns, rows = query.preview(version, PREVIEW_ROWS)
    manage = permissions.can_manage_dataset(request.user, dataset)
    return render(request, "lake/datasets/detail.html", {
        "dataset": dataset, "version": version, "preview_columns": columns,
        "preview_rows": rows, "versions": dataset.versions.select_related("loaded_by")[:100],
        "may_manage": manage, "links": links.links_for(dataset.code),
        "jobs": dataset.ingest_jobs.select_related("created_by")[:10] if manage else []})


@login_required
@require_http_methods(["GET", "POST"])
def dataset_new(request: HttpRequest) -> HttpResponse:
    owners = _owners(request)
    permissions.require(owners.exists())
    form = DatasetForm(request.POST or None, owners=owners)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            owner = form.cleaned_data["owner"]
            permissions.require(permissions.can_register_dataset(request.user, owner.pk))
            try:
                dataset = actions.do_register_dataset(
                    request.user, owner, form.action_data() | {"code": form.cleaned_data["code"]})
            except ActionError as exc:
                add_action_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Dataset registered."))
                return redirect("lake:dataset", uid=dataset.uid)
    return render(request, "lake/datasets/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_edit(request: HttpRequest, uid: UUID) -> HttpResponse:
    dataset = _dataset(request, uid, permissions.can_manage_dataset)
    initial = {k: getattr(dataset, k) for k in ("name", "description", "update_frequency",
                                                 "key_column")}
    initial["columns_text"] = format_columns(dataset.columns or [])
    form = DatasetForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_update_dataset(request.user, dataset, form.action_data())
            except ActionError as exc:
                add_action_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Dataset updated."))
                return redirect("lake:dataset", uid=dataset.uid)
    return render(request, "lake/datasets/form.html", {"form": form, "dataset": dataset},
                  status=status)


@login_required
@require_POST
def dataset_retire(request: HttpRequest, uid: UUID) -> HttpResponse:
    dataset = _dataset(request, uid, permissions.can_manage_dataset)
    try:
        actions.do_retire_dataset(request.user, dataset)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Dataset retired."))
    return redirect("lake:dataset", uid=dataset.uid)


def _start(request: HttpRequest, dataset: Dataset, form: LoadForm) -> IngestJob:
    from jingchu.lake.tasks_datasets import run_load

    with transaction.atomic():
        job = actions.do_start_load(request.user, dataset, upload=form.cleaned_data["file"],
                                    encoding=form.cleaned_data["encoding"],
                                    sheet=form.cleaned_data["sheet"])
        uid = str(job.uid)
        transaction.on_commit(lambda: run_load.delay(uid))
    return job


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def dataset_load(request: HttpRequest, uid: UUID) -> HttpResponse:
    dataset = _dataset(request, uid, permissions.can_load_dataset)
    form = LoadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                job = _start(request, dataset, form)
            except ActionError as exc:
                add_action_error(form, exc)
                status = exc.status
            else:
                return redirect("lake:load_job", uid=job.uid)
    return render(request, "lake/datasets/load.html", {"form": form, "dataset": dataset},
                  status=status)


def _job(request: HttpRequest, uid: UUID) -> IngestJob:
    job = (IngestJob.objects.select_related("dataset", "version", "created_by")
           .filter(uid=uid).first())
    if job is None:
        permissions.require(permissions.can_browse_lake(request.user))
        raise Http404
    permissions.require(permissions.can_load_dataset(request.user, job.dataset))
    return job


STAGES = {"start": _lazy("Starting"), "decode": _lazy("Checking the encoding"),
          "read": _lazy("Reading rows"), "check": _lazy("Checking and writing rows"),
          "checksum": _lazy("Computing the SM3 checksum"), "done": _lazy("Done"),
          "failed": _lazy("Failed")}


def _progress(job: IngestJob) -> dict[str, Any]:
    live = job.status in {JobStatus.PENDING, JobStatus.RUNNING}
    percent = 100 * job.rows_done // job.rows_total if job.rows_total else 0
    return {"job": job, "live": live, "percent": min(percent, 100),
            "stage": STAGES.get(job.stage, job.stage), "counts_rows": job.stage in {
                "read", "check", "done"}}


@login_required
@never_cache
@require_GET
def load_job(request: HttpRequest, uid: UUID) -> HttpResponse:
    job = _job(request, uid)
    return render(request, "lake/datasets/job.html", _progress(job))


@login_required
@never_cache
@require_GET
def load_job_progress(request: HttpRequest, uid: UUID) -> HttpResponse:
    """The progress element alone, polled by the load's page while the load runs."""
    job = _job(request, uid)
    return render(request, "lake/datasets/_progress.html", _progress(job))


@login_required
@require_GET
def version_rejects(request: HttpRequest, uid: UUID, number: int) -> FileResponse:
    """The rejected rows of a version as CSV (with a byte-order mark so spreadsheet programs
    read it as UTF-8): the raw values, personal data included, so for the stewards only."""
    dataset = _dataset(request, uid, permissions.can_manage_dataset)
    version = dataset.versions.filter(number=number).first()
    if version is None or not version.rejects_path:
        raise Http404
    path = storage.absolute(version.rejects_path)
    if not path.exists():
        raise Http404

    def body() -> Any:
        yield b"\xef\xbb\xbf"
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 16):
                yield chunk

    name = f"{dataset.code.replace('/', '_')}_v{number}_rejects.csv"
    response = FileResponse(body(), content_type="text/csv; charset=utf-8",
                            as_attachment=True, filename=name)
    return response


urlpatterns: list[URLPattern] = [
    path("", dataset_list, name="datasets"),
    path("datasets/new", dataset_new, name="dataset_new"),
    path("datasets/<uuid:uid>/", dataset_detail, name="dataset"),
    path("datasets/<uuid:uid>/edit", dataset_edit, name="dataset_edit"),
    path("datasets/<uuid:uid>/retire", dataset_retire, name="dataset_retire"),
    path("datasets/<uuid:uid>/load", dataset_load, name="dataset_load"),
    path("datasets/<uuid:uid>/versions/<int:number>/rejects", version_rejects,
         name="version_rejects"),
    path("loads/<uuid:uid>/", load_job, name="load_job"),
    path("loads/<uuid:uid>/progress", load_job_progress, name="load_job_progress"),
]
