"""Outlines of the region's départements for the directory's map, drawn as inline SVG.

The boundaries come from ``fr.departments.svg`` in the pygal_maps_fr package (pygal-maps-fr,
LGPL-3.0-or-later; its authors hold the copyright of the drawing). The file is read from the
installed package, unchanged, and only the path data of the départements asked for is reused.

In that file every département is a ``<g class="zNN departement map-element">`` holding one or
more ``<path>``; the only transform is a translation of the whole map, which moves every shape
alike, so the outlines are drawn in their own coordinates and the view box is computed there.
A few départements (Paris and its inner ring) appear twice, the second time in an enlarged
inset: the first drawing is the one kept.
"""

import functools
import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 (parses a file shipped in an installed package)
from dataclasses import dataclass
from importlib import resources

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
MAP_PACKAGE = "pygal_maps_fr"
MAP_FILE = "fr.departments.svg"
# Room around the outlines, as a share of the larger side of their bounding box.
MARGIN = 0.04

# How many numbers each path command takes.
ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}
TOKEN = re.compile(r"([MmLlHhVvCcSsQqTtAaZz])|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self):
        return self.right - self.left

    @property
    def height(self):
        return self.bottom - self.top

    def union(self, other):
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )


@dataclass(frozen=True)
class Shape:
    """One département's outline: its path data, bounding box and where to put its label."""

    code: str
    paths: tuple[str, ...]
    box: Box
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Outline:
    """The shapes of some départements, in the order asked, and the view box around them."""

    shapes: tuple[Shape, ...]
    view_box: str
    width: float
    height: float


def path_points(data):
    """The subpaths of SVG path ``data``, each a list of ``(x, y, on_curve)`` points.

    Every coordinate is kept, control points included (``on_curve`` False): their hull holds
    the curve, so their extent is a slightly generous bounding box. Arcs count by their end
    point only. Malformed data ends the parse where it stops making sense.
    """
    subpaths, points = [], []
    x = y = start_x = start_y = 0.0
    last_x = last_y = 0.0  # last control point, for the smooth curves' reflection
    command = None
    tokens = TOKEN.findall(data)
    position = 0

    def numbers(count):
        nonlocal position
        values = []
        while len(values) < count and position < len(tokens) and tokens[position][1]:
            values.append(float(tokens[position][1]))
            position += 1
        return values if len(values) == count else None

    while position < len(tokens):
        letter, number = tokens[position]
        if letter:
            command = letter
            position += 1
            if command in "Zz":
                x, y = start_x, start_y
                if points:
                    subpaths.append(points)
                    points = []
                continue
        elif command is None or command in "Zz":
            break
        args = numbers(ARGUMENTS[command.lower()])
        if args is None:
            break
        relative = command.islower()
        base_x, base_y = (x, y) if relative else (0.0, 0.0)
        kind = command.lower()
        if kind == "m":
            if points:
                subpaths.append(points)
            x, y = base_x + args[0], base_y + args[1]
            start_x, start_y = x, y
            points = [(x, y, True)]
            # Further pairs after a move are line segments.
            command = "l" if relative else "L"
            last_x, last_y = x, y
            continue
        if kind == "h":
            x = base_x + args[0]
            points.append((x, y, True))
        elif kind == "v":
            y = base_y + args[0]
            points.append((x, y, True))
        elif kind in "lt":
            x, y = base_x + args[0], base_y + args[1]
            points.append((x, y, True))
        elif kind == "a":
            x, y = base_x + args[5], base_y + args[6]
            points.append((x, y, True))
        else:
            coordinates = [(base_x + args[i], base_y + args[i + 1]) for i in range(0, len(args), 2)]
            if kind == "s":
                coordinates.insert(0, (2 * x - last_x, 2 * y - last_y))
            for control_x, control_y in coordinates[:-1]:
                points.append((control_x, control_y, False))
            last_x, last_y = coordinates[-2]
            x, y = coordinates[-1]
            points.append((x, y, True))
            continue
        last_x, last_y = x, y
    if points:
        subpaths.append(points)
    return subpaths


def bounding_box(subpaths):
    xs = [point[0] for points in subpaths for point in points]
    ys = [point[1] for points in subpaths for point in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def label_point(subpaths, box):
    """The centroid of the largest ring (by area), or the box's centre when it has no area."""
    best_area, best = 0.0, None
    for points in subpaths:
        ring = [(x, y) for x, y, on_curve in points if on_curve]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) > abs(best_area):
            best_area, best = area, (cx / (3 * area), cy / (3 * area))
    if best is None:
        return (box.left + box.right) / 2, (box.top + box.bottom) / 2
    return best


def read_map():
    return resources.files(MAP_PACKAGE).joinpath(MAP_FILE).read_bytes()


@functools.cache
def all_shapes():
    """Every département of the file, by code (``"33"``, ``"2A"``), parsed once per process."""
    root = ET.fromstring(read_map())  # noqa: S314 (package data, not user input)
    shapes = {}
    for group in root.iter(f"{SVG_NAMESPACE}g"):
        classes = group.get("class", "").split()
        if "departement" not in classes:
            continue
        code = next((c[1:] for c in classes if c.startswith("z") and len(c) > 1), None)
        if code is None or code in shapes:
            continue
        paths = tuple(
            path.get("d", "") for path in group.iter(f"{SVG_NAMESPACE}path") if path.get("d")
        )
        subpaths = [points for data in paths for points in path_points(data)]
        if not subpaths:
            continue
        box = bounding_box(subpaths)
        x, y = label_point(subpaths, box)
        shapes[code] = Shape(code=code, paths=paths, box=box, label_x=x, label_y=y)
    return shapes


@functools.cache
def region_outline(codes):
    """The outlines of the départements numbered ``codes`` (a tuple), or None if none is drawn.

    A code the file does not have (a typo, an overseas territory added later) is left out.
    """
    known = all_shapes()
    shapes = tuple(known[code] for code in codes if code in known)
    if not shapes:
        return None
    box = functools.reduce(Box.union, (shape.box for shape in shapes))
    margin = MARGIN * max(box.width, box.height)
    left, top = box.left - margin, box.top - margin
    width, height = box.width + 2 * margin, box.height + 2 * margin
    view_box = " ".join(f"{value:.1f}" for value in (left, top, width, height))
    return Outline(shapes=shapes, view_box=view_box, width=width, height=height)


def shade_level(count, highest, levels=4):
    """0 for no structure, else 1 to ``levels`` in proportion to the busiest département."""
    if count <= 0 or highest <= 0:
        return 0
    return max(1, min(levels, math.ceil(count * levels / highest)))
