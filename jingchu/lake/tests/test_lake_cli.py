"""`jingchu lake load` and `jingchu lake datasets`: a load with its progress bar on stderr, the
version and rejected rows printed; a failed load exits with an error and keeps nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jingchu.lake.actions import datasets as actions
from jingchu.lake.models import DatasetVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(lake_world):
    return actions.do_register_dataset(lake_world["users"]["rst"], lake_world["orgs"]["hb-rst"], {
        "code": "hb-rst/cli", "name": "命令行", "columns": [
            {"name": "id_number", "required": True}, {"name": "months", "type": "integer"}]})


def test_load_prints_the_version_and_shows_progress(dataset, lake_world, tmp_path):
    path = tmp_path / "cli.csv"
    path.write_bytes("id_number,months\n420102199001020011,3\n,4\n4201,x\n".encode("gbk"))
    out, err = StringIO(), StringIO()
    call_command("lake", "load", "hb-rst/cli", str(path), "--encoding", "gbk", "--user",
                 "lk_rst", stdout=out, stderr=err)
    assert "Loaded hb-rst/cli v1: 1 rows, 2 rejected" in out.getvalue()
    assert "Rejected rows:" in out.getvalue() and "v1.rejects.csv" in out.getvalue()
    progress = err.getvalue()
    assert "encoding [" in progress and "checking [" in progress and "checksum [" in progress
    version = DatasetVersion.objects.get()
    assert version.loaded_by == lake_world["users"]["rst"]
    listing = StringIO()
    call_command("lake", "datasets", stdout=listing)
    assert "hb-rst/cli\tactive\tv1 1 rows" in listing.getvalue()


def test_a_failed_load_is_an_error_and_keeps_nothing(dataset, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("months\n1\n")
    with pytest.raises(CommandError, match="id_number"):
        call_command("lake", "load", "hb-rst/cli", str(path), stdout=StringIO(),
                     stderr=StringIO())
    assert DatasetVersion.objects.count() == 0
    for args, message in [(["hb-rst/none", str(path)], "no dataset"),
                          (["hb-rst/cli"], "a file or --table"),
                          (["hb-rst/cli", str(path), "--user", "nobody"], "no user")]:
        with pytest.raises(CommandError, match=message):
            call_command("lake", "load", *args, stdout=StringIO(), stderr=StringIO())
