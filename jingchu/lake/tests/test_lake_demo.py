"""The lake's demo: the catalog's lake datasets and the population extract, loaded through the real
loader with keys that line up with the demo bases; loading twice loads nothing new."""

from __future__ import annotations

import collections

import duckdb
import pytest

from jingchu.core.demo import DemoContext
from jingchu.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from jingchu.lake import demo, storage
from jingchu.lake.models import Dataset, DatasetVersion
from jingchu.sharing.demo_catalog import RESOURCES

pytestmark = pytest.mark.django_db


def _rows(code: str) -> list[dict]:
    version = Dataset.objects.get(code=code).current_version
    assert version is not None
    with duckdb.connect() as con:
        cur = con.execute(f"SELECT * FROM {storage.parquet_source(version.path)}")  # noqa: S608
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture
def no_hooks(monkeypatch):
    """The quality and linkage demos are their helpers' business (and tests)."""
    calls: list[str] = []

    def find_spec(name: str) -> None:
        calls.append(name)

    monkeypatch.setattr(demo, "find_spec", find_spec)
    return calls


def test_the_hooks_of_the_other_lake_demos_are_called_when_present(demo_orgs, monkeypatch):
    import types

    called: list[str] = []
    modules = {name: types.SimpleNamespace(**{fn: lambda ctx, fn=fn: called.append(fn)})
               for name, fn in (("jingchu.lake.demo_quality", "load_quality_demo"),
                                ("jingchu.lake.demo_linkage", "load_linkage_demo"))}
    monkeypatch.setattr(demo, "find_spec", lambda name: name in modules or None)
    monkeypatch.setattr(demo, "import_module", modules.__getitem__)
    monkeypatch.setattr(demo, "SPECS", [])
    demo.load_demo(DemoContext(orgs=demo_orgs))
    assert called == ["load_quality_demo", "load_linkage_demo"]


def test_demo_datasets_match_the_catalog_and_the_bases(demo_orgs, no_hooks):
    ctx = DemoContext(orgs=demo_orgs)
    demo.load_demo(ctx)
    lake_mounts = {spec[7][1]: spec for spec in RESOURCES if spec[7] and spec[7][0] == "lake"}
    assert set(lake_mounts) <= set(Dataset.objects.values_list("code", flat=True))
    for code, spec in lake_mounts.items():
        dataset = Dataset.objects.get(code=code)
        assert [c["name"] for c in dataset.columns] == [f["name"] for f in spec[6]], code
        assert dataset.key_column == spec[7][2]
        version = dataset.current_version
        assert version is not None and version.row_count > 0, code
        assert version.rejected_count == 0, code
    population = _rows("hb-gat/population-extract")
    people = demo.persons(len(population))
    assert len(population) == min(20000, len(people))
    base = {p.id_number for p in people}
    numbers = [r["id_number"] for r in population]
    assert sum(n in base for n in numbers) > 0.9 * len(numbers)
    bad_check = 0
    for number in numbers:
        try:
            validate_id_number(number)
        except IdentifierError:
            bad_check += 1
    assert 0.003 * len(numbers) <= bad_check <= 0.03 * len(numbers)
    assert sum(c > 1 for c in collections.Counter(numbers).values()) > 0
    assert any(r["name"] is None for r in population)
    assert {r["gender"] for r in population} == {"男", "女"}
    for row in _rows("hb-sw/tax-credit")[:50]:
        validate_uscc(row["uscc"])
    assert ctx.report and "Lake datasets" in ctx.report[0]
    before = (Dataset.objects.count(), DatasetVersion.objects.count())
    demo.load_demo(DemoContext(orgs=demo_orgs))
    assert (Dataset.objects.count(), DatasetVersion.objects.count()) == before
    assert no_hooks == ["jingchu.lake.demo_quality", "jingchu.lake.demo_linkage"] * 2
