"""The schematic Hubei map: it matches the region list, tiles the outline, and cannot drift."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from jingchu.cockpit import mapdata

REPO = Path(__file__).resolve().parents[3]
CSV_PATH = REPO / "data" / "regions" / "hubei.csv"
# The province's extent in degrees, per the usual gazetteer figures.
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 108.35, 116.13, 29.03, 33.28
# The statistical grouping of the directly administered county-level cities; not a division.
GROUPING = "429000000000"

Pos = list[float]


@pytest.fixture(scope="module")
def collection() -> dict[str, Any]:
    return mapdata.build()


def _rings(collection: dict[str, Any]) -> dict[str, list[Pos]]:
    features = collection["features"]
    return {f["properties"]["code"]: f["geometry"]["coordinates"][0] for f in features}


def _open(ring: list[Pos]) -> list[tuple[float, float]]:
    """A closed GeoJSON ring without its repeated last point."""
    return [(p[0], p[1]) for p in ring[:-1]]


def _inside(point: tuple[float, float] | Pos, ring: list[tuple[float, float]]) -> bool:
    """Even-odd ray casting to the east."""
    x, y = point[0], point[1]
    inside = False
    for k, (x1, y1) in enumerate(ring):
        x2, y2 = ring[(k + 1) % len(ring)]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _orient(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a: tuple[float, float], b: tuple[float, float], p: tuple[float, float]) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def _touch(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]
) -> bool:
    """Whether segments ab and cd share any point (crossing, touching or overlapping)."""
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    if ((o1 > 0 > o2) or (o2 > 0 > o1)) and ((o3 > 0 > o4) or (o4 > 0 > o3)):
        return True
    return (
        (o1 == 0 and _on_segment(a, b, c))
        or (o2 == 0 and _on_segment(a, b, d))
        or (o3 == 0 and _on_segment(c, d, a))
        or (o4 == 0 and _on_segment(c, d, b))
    )


def _is_simple(ring: list[tuple[float, float]]) -> bool:
    """No two non-neighbouring edges meet, and no edge folds back onto the next one.

    Sutherland–Hodgman leaves zero-width bridges when a cut splits a concave outline in two;
    those show up here as overlapping edges.
    """
    n = len(ring)
    edges = [(ring[k], ring[(k + 1) % n]) for k in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                a, b = edges[i]
                c, d = edges[j]
                shared = b if j == i + 1 else a
                far_i = a if j == i + 1 else b
                far_j = d if j == i + 1 else c
                folded = _orient(far_i, shared, far_j) == 0 and (
                    (far_i[0] - shared[0]) * (far_j[0] - shared[0])
                    + (far_i[1] - shared[1]) * (far_j[1] - shared[1])
                    > 0
                )
                if folded:
                    return False
            elif _touch(*edges[i], *edges[j]):
                return False
    return True


def _csv_cities() -> dict[str, str]:
    """The 17 city-level divisions as data/regions/hubei.csv lists them."""
    with CSV_PATH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        r["code"]: r["name"]
        for r in rows
        if (r["level"] == "city" and r["code"] != GROUPING)
        or (r["level"] == "county" and r["parent_code"] == GROUPING)
    }


def _committed() -> tuple[str, dict[str, Any]]:
    text = mapdata.STATIC_PATH.read_text(encoding="utf-8")
    return text, json.loads(text)


def test_committed_file_is_what_build_makes(collection: dict[str, Any]) -> None:
    text, committed = _committed()
    if committed.get("properties", {}).get("schematic") is not True:
        pytest.skip("an official boundary file replaced the schematic one (docs/cockpit-map.md)")
    assert committed == collection, "run: python -m jingchu.cockpit.mapdata"
    assert text == mapdata.dumps(collection)


def test_committed_file_has_the_properties_the_page_uses() -> None:
    """Holds for the schematic file and for an official file put in its place."""
    _, committed = _committed()
    assert committed["type"] == "FeatureCollection"
    got = {f["properties"]["code"]: f["properties"]["name"] for f in committed["features"]}
    assert got == _csv_cities()
    for feature in committed["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_file_says_it_is_schematic(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection"
    assert collection["properties"]["schematic"] is True
    assert "示意图" in collection["properties"]["note"]


def test_seventeen_divisions_match_the_region_list(collection: dict[str, Any]) -> None:
    expected = _csv_cities()
    assert len(expected) == 17
    got = {f["properties"]["code"]: f["properties"]["name"] for f in collection["features"]}
    assert len(collection["features"]) == 17
    assert got == expected
    assert mapdata.cities() == expected


def test_outline_is_a_simple_counter_clockwise_ring_inside_the_extent() -> None:
    outline = list(mapdata.OUTLINE)
    assert 25 <= len(outline) <= 60
    assert mapdata.ring_area(outline) > 0
    assert _is_simple(outline)
    for lon, lat in outline:
        assert LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX
    for city in mapdata.CITIES.values():
        assert _inside(city.center, outline), city.name


def test_each_cell_is_a_closed_simple_ccw_polygon_around_its_centre(
    collection: dict[str, Any],
) -> None:
    for feature in collection["features"]:
        name = feature["properties"]["name"]
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Polygon"
        assert len(feature["geometry"]["coordinates"]) == 1, name
        ring = feature["geometry"]["coordinates"][0]
        assert len(ring) >= 4, name
        assert ring[0] == ring[-1], name
        points = _open(ring)
        assert len(set(points)) == len(points), name
        assert mapdata.ring_area(points) > 0, name
        assert _is_simple(points), name
        assert _inside(feature["properties"]["center"], points), name
        assert _inside(feature["properties"]["cp"], points), name


def test_no_cell_holds_another_centre(collection: dict[str, Any]) -> None:
    rings = _rings(collection)
    centres = {f["properties"]["code"]: f["properties"]["center"] for f in collection["features"]}
    for code, ring in rings.items():
        points = _open(ring)
        for other, centre in centres.items():
            if other != code:
                assert not _inside(centre, points), (code, other)


def test_cells_tile_the_outline(collection: dict[str, Any]) -> None:
    outline_area = mapdata.ring_area(list(mapdata.OUTLINE))
    total = sum(mapdata.ring_area(_open(r)) for r in _rings(collection).values())
    assert abs(total - outline_area) / outline_area < 0.005


def test_bigger_divisions_get_bigger_cells(collection: dict[str, Any]) -> None:
    areas = {code: mapdata.ring_area(_open(r)) for code, r in _rings(collection).items()}
    enshi, shiyan, wuhan, ezhou = "422800000000", "420300000000", "420100000000", "420700000000"
    assert areas[enshi] > areas[wuhan] > areas[ezhou]
    assert areas[shiyan] > 5 * areas[ezhou]


def test_every_vertex_is_inside_the_extent(collection: dict[str, Any]) -> None:
    for ring in _rings(collection).values():
        for lon, lat in ring:
            assert LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX
