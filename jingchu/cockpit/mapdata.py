"""A schematic map (示意图) of Hubei's 17 city-level divisions, computed rather than surveyed.

The machine that builds Jingchu has no boundary data of Hubei and no internet, and the big screen
only needs one shape per city to colour by a KPI. So the map is made here from two small tables
kept in this module: a hand-drawn outline of the province (about 40 vertices) and an approximate
centre of each division's territory with its rounded land area. Each city's cell is its power
(weighted Voronoi) cell clipped to the outline, the weights being fitted so the cells' areas
follow the real areas. The result looks like Hubei but its borders are NOT the legal ones; it is
labelled schematic in the file and on the page. docs/cockpit-map.md says how to replace it with
an official boundary file.

Everything is pure Python using only + - * / (no math library, no randomness), so
``python -m jingchu.cockpit.mapdata`` regenerates the committed file byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

Point = tuple[float, float]
Ring = list[Point]

STATIC_PATH = Path(__file__).resolve().parent / "static" / "cockpit" / "hubei-cities.geojson"

NOTE = (
    "Schematic map (示意图) of Hubei's 17 city-level divisions, computed by "
    "jingchu/cockpit/mapdata.py from an approximate outline and approximate centres. "
    "Borders are NOT official; do not use for anything but colouring figures."
)

# One degree of longitude near 31°N is cos(31°) ≈ 0.857 of a degree of latitude. Distances and
# areas are measured with this factor so cells are not stretched east-west. A literal (not
# math.cos) keeps the computation bit-for-bit reproducible.
KX = 0.857

# The province's outline, counter-clockwise (RFC 7946 exterior ring), open (last != first).
# Hand-made from known places on or near the border; good to a few kilometres at best.
OUTLINE: tuple[Point, ...] = (
    (116.05, 29.83),  # Huangmei on the Yangtze, opposite Jiujiang (Jiangxi)
    (116.13, 30.10),  # Huangmei, eastern tip
    (116.08, 30.45),  # Qichun / Anhui's Susong and Taihu
    (116.05, 30.85),  # Yingshan / Anhui's Yuexi
    (115.80, 31.10),  # Dabie Shan
    (115.45, 31.35),  # Macheng, Hubei–Henan–Anhui corner
    (115.05, 31.55),  # Macheng north / Henan's Xinxian
    (114.65, 31.65),  # Hong'an north
    (114.25, 31.85),  # Dawu north / Henan's Xinyang
    (113.90, 31.95),  # Guangshui north
    (113.55, 32.20),  # Tongbai Shan
    (113.10, 32.35),  # Suizhou / Henan's Tongbai
    (112.75, 32.45),  # Zaoyang north / Henan's Tanghe
    (112.30, 32.40),  # Xiangzhou north / Henan's Xinye
    (111.85, 32.58),  # Laohekou north / Henan's Dengzhou
    (111.55, 32.78),  # Danjiangkou reservoir / Henan's Xichuan
    (111.05, 33.05),  # Yunyang north
    (110.55, 33.22),  # Yunxi north
    (110.15, 33.27),  # Yunxi, northern tip
    (109.95, 33.05),  # Yunxi / Shaanxi's Shanyang
    (110.10, 32.80),  # Shaanxi's Baihe on the Han
    (109.75, 32.62),  # Zhuxi north / Shaanxi's Xunyang
    (109.45, 32.45),  # Zhuxi west / Shaanxi's Pingli
    (109.55, 32.05),  # Zhuxi south-west / Shaanxi's Zhenping
    (109.75, 31.75),  # Zhushan / Chongqing's Wuxi
    (110.10, 31.40),  # Shennongjia and Badong / Wuxi
    (110.10, 31.05),  # Badong / Chongqing's Wushan, on the Yangtze
    (109.55, 30.95),  # Jianshi north / Chongqing's Fengjie
    (109.05, 30.70),  # Lichuan north / Chongqing's Wanzhou
    (108.65, 30.55),  # Lichuan north-west
    (108.37, 30.30),  # Lichuan, western edge
    (108.50, 30.00),  # Lichuan / Chongqing's Shizhu
    (108.85, 29.75),  # Xianfeng west / Chongqing's Qianjiang
    (109.00, 29.45),  # Laifeng west
    (109.45, 29.05),  # Laifeng, southern tip
    (109.60, 29.45),  # Laifeng / Hunan's Longshan
    (109.85, 29.68),  # Hefeng / Hunan's Sangzhi
    (110.40, 29.78),  # Hefeng south-east
    (110.90, 29.95),  # Wufeng / Hunan's Shimen
    (111.45, 29.78),  # Songzi / Hunan's Shimen and Lixian
    (111.90, 29.75),  # Songzi / Lixian
    (112.25, 29.55),  # Gong'an / Hunan's Anxiang
    (112.55, 29.62),  # Shishou / Hunan's Huarong
    (113.05, 29.50),  # Jianli / Yueyang, on the Yangtze
    (113.45, 29.62),  # Honghu and Chibi / Hunan's Linxiang
    (113.65, 29.30),  # Tongcheng west
    (113.85, 29.05),  # Tongcheng, southern edge
    (114.30, 29.15),  # Tongshan / Jiangxi's Xiushui
    (114.85, 29.35),  # Tongshan east
    (115.25, 29.52),  # Yangxin / Jiangxi's Wuning
    (115.60, 29.78),  # Yangxin / Jiangxi's Ruichang
)


class City(NamedTuple):
    """A division: its name as in data/regions/hubei.csv, a centre (lon, lat), a land area."""

    name: str
    center: Point
    area_km2: int


# The approximate centre of each division's territory (not its seat) and its land area in km²
# (rounded public figures; only their ratios matter). Keyed by the 12-digit region code.
CITIES: dict[str, City] = {
    "420100000000": City("武汉市", (114.35, 30.65), 8569),
    "420200000000": City("黄石市", (115.00, 29.95), 4583),
    "420300000000": City("十堰市", (110.60, 32.40), 23680),
    "420500000000": City("宜昌市", (111.20, 30.70), 21227),
    "420600000000": City("襄阳市", (112.10, 31.90), 19728),
    "420700000000": City("鄂州市", (114.75, 30.35), 1594),
    "420800000000": City("荆门市", (112.50, 31.00), 12404),
    "420900000000": City("孝感市", (113.80, 31.10), 8910),
    "421000000000": City("荆州市", (112.60, 30.00), 14067),
    "421100000000": City("黄冈市", (115.30, 30.80), 17457),
    "421200000000": City("咸宁市", (114.20, 29.60), 9861),
    "421300000000": City("随州市", (113.30, 31.75), 9636),
    "422800000000": City("恩施土家族苗族自治州", (109.60, 30.20), 24061),
    "429004000000": City("仙桃市", (113.40, 30.30), 2538),
    "429005000000": City("潜江市", (112.85, 30.35), 2004),
    "429006000000": City("天门市", (113.15, 30.65), 2622),
    "429021000000": City("神农架林区", (110.50, 31.60), 3253),
}

# Weight fitting: the step (in squared degrees per squared degree of area error), the number of
# rounds, and how much of the squared distance between two centres a weight difference may use.
# The last keeps every centre strictly inside its own cell (a power cell loses its site once the
# neighbour's weight exceeds its own by the squared distance between them).
FIT_STEP = 0.3
FIT_ROUNDS = 120
WEIGHT_MARGIN = 0.8


def cities() -> dict[str, str]:
    """Region code → name of the 17 city-level divisions, in code order."""
    return {code: city.name for code, city in CITIES.items()}


def ring_area(ring: Ring) -> float:
    """Signed area (shoelace) in square degrees; positive for a counter-clockwise ring."""
    total = 0.0
    for k, (x1, y1) in enumerate(ring):
        x2, y2 = ring[(k + 1) % len(ring)]
        total += x1 * y2 - x2 * y1
    return total / 2


def _clip(ring: Ring, a: Point, b: float) -> Ring:
    """Sutherland–Hodgman: the part of ``ring`` where a·p ≤ b."""
    out: Ring = []
    for k, p in enumerate(ring):
        q = ring[(k + 1) % len(ring)]
        fp = a[0] * p[0] + a[1] * p[1] - b
        fq = a[0] * q[0] + a[1] * q[1] - b
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _dist2(p: Point, q: Point) -> float:
    """Squared distance with longitude shrunk by KX."""
    dx = (p[0] - q[0]) * KX
    dy = p[1] - q[1]
    return dx * dx + dy * dy


def _half_plane(ci: Point, cj: Point, wi: float, wj: float) -> tuple[Point, float]:
    """(a, b) such that a·p ≤ b ⇔ p's power distance to i is at most its power distance to j.

    |p−ci|² − wi ≤ |p−cj|² − wj, with the metric diag(KX², 1), expands to a linear inequality.
    """
    k2 = KX * KX
    a = (2 * k2 * (cj[0] - ci[0]), 2 * (cj[1] - ci[1]))
    b = k2 * (cj[0] ** 2 - ci[0] ** 2) + (cj[1] ** 2 - ci[1] ** 2) + wi - wj
    return a, b


def _cells(weights: dict[str, float]) -> dict[str, Ring]:
    """Each city's power cell clipped to the outline (nearest neighbours first: faster)."""
    cells: dict[str, Ring] = {}
    for code, city in CITIES.items():
        ring: Ring = list(OUTLINE)
        others = sorted(
            (c for c in CITIES if c != code), key=lambda c: _dist2(city.center, CITIES[c].center)
        )
        for other in others:
            a, b = _half_plane(city.center, CITIES[other].center, weights[code], weights[other])
            ring = _clip(ring, a, b)
        cells[code] = ring
    return cells


def _guard(weights: dict[str, float]) -> None:
    """Pull apart weights whose difference would push a centre out of its own cell."""
    codes = list(CITIES)
    for _ in range(10):
        for i in codes:
            for j in codes:
                limit = WEIGHT_MARGIN * _dist2(CITIES[i].center, CITIES[j].center)
                excess = weights[j] - weights[i] - limit
                if i != j and excess > 0:
                    weights[j] -= excess / 2
                    weights[i] += excess / 2


def fit_weights() -> dict[str, float]:
    """Weights whose power cells have areas close to the divisions' real shares of the total."""
    total_km2 = sum(city.area_km2 for city in CITIES.values())
    outline_area = ring_area(list(OUTLINE)) * KX
    target = {code: outline_area * c.area_km2 / total_km2 for code, c in CITIES.items()}
    weights = dict.fromkeys(CITIES, 0.0)
    for _ in range(FIT_ROUNDS):
        cells = _cells(weights)
        for code, ring in cells.items():
            weights[code] += FIT_STEP * (target[code] - ring_area(ring) * KX)
        _guard(weights)
    return weights


def _inside(point: Point, ring: Ring) -> bool:
    """Even-odd ray casting."""
    x, y = point
    inside = False
    for k, (x1, y1) in enumerate(ring):
        x2, y2 = ring[(k + 1) % len(ring)]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _label_point(ring: Ring, center: Point) -> list[float]:
    """Where ECharts should put the label (it reads properties.cp).

    The cell's centroid, which sits in the middle of the shape, unlike the division's centre
    (a small cell squeezed by big neighbours lies off-centre around it) or ECharts' default, the
    bounding box's middle (which can fall outside a concave cell). Falls back to the centre.
    """
    area = ring_area(ring)
    cx = cy = 0.0
    for k, (x1, y1) in enumerate(ring):
        x2, y2 = ring[(k + 1) % len(ring)]
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    point = (round(cx / (6 * area), 4), round(cy / (6 * area), 4))
    return list(point if _inside(point, ring) else center)


def _tidy(ring: Ring) -> list[list[float]]:
    """Round to 4 decimals, drop repeated points, close the ring (GeoJSON positions)."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, 4), round(y, 4)]
        if not out or point != out[-1]:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    out.append(list(out[0]))
    return out


def build() -> dict[str, Any]:
    """The GeoJSON FeatureCollection: one Polygon per division (properties code, name, center)."""
    cells = _cells(fit_weights())
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "name": city.name,
                "center": list(city.center),
                "cp": _label_point(cells[code], city.center),
            },
            "geometry": {"type": "Polygon", "coordinates": [_tidy(cells[code])]},
        }
        for code, city in CITIES.items()
    ]
    return {
        "type": "FeatureCollection",
        "properties": {"schematic": True, "note": NOTE},
        "features": features,
    }


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps(collection: dict[str, Any]) -> str:
    """The file's text: compact, one feature per line, so a diff shows which cell changed."""
    head = {key: value for key, value in collection.items() if key != "features"}
    lines = [_compact(feature) for feature in collection["features"]]
    body = _compact(head)[:-1]
    return body + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    """Regenerate the static file."""
    collection = build()
    STATIC_PATH.parent.mkdir(parents=True, exist_ok=True)
    STATIC_PATH.write_text(dumps(collection), encoding="utf-8")
    print(f"wrote {len(collection['features'])} features to {STATIC_PATH}")


if __name__ == "__main__":
    main()
