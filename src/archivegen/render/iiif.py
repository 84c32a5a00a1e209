"""IIIF for a record's page images (issue 15): static Image API level-0 paths and info.json, and a
Presentation 3 manifest per record.

No image server: each scan gets a few fixed sizes written at build time (build/images.py), listed
in its info.json ``sizes`` so that IIIF viewers (Mirador, Universal Viewer) ask only for those. The
manifest is built by hand as plain JSON: it is a few keys, the spec is stable, and the official
``iiif-prezi3`` library would pull pydantic into every build for it; tests check the structure.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from archivegen.records.model import Record
from archivegen.records.settings import Settings
from archivegen.render import urls

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif"})
WIDTHS = (400, 1200)
"""The reduced widths written for every scan wider than them; the full size is always written."""

Size = tuple[int, int]


def is_image(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def image_path(record_id: str, name: str) -> str:
    """The image's IIIF base (its info.json is under it): records/<id>/iiif/<file name>/. File
    names are unique in a record (records/kinds.py), so are these."""
    return urls.record_file(record_id, "iiif/" + PurePosixPath(name).name)


def sizes(full: Size) -> list[Size]:
    """The sizes written for a scan of ``full`` size, smallest first (the last is the full size)."""
    w, h = full
    return [(x, max(1, round(h * x / w))) for x in WIDTHS if x < w] + [full]


def size_path(record_id: str, name: str, size: Size, full: Size) -> str:
    """A derivative's path, in the canonical Image API 3 form (``max`` for the full size)."""
    part = "max" if size == full else f"{size[0]},{size[1]}"
    return f"{image_path(record_id, name)}/full/{part}/0/default.jpg"


def parse_size(path: str) -> Size | None:
    """The size a derivative path asks for (None: the full size); the inverse of ``size_path``."""
    part = path.split("/full/", 1)[1].split("/", 1)[0]
    if part == "max":
        return None
    w, h = part.split(",")
    return int(w), int(h)


def outputs(record_id: str, name: str, full: Size) -> list[str]:
    return [size_path(record_id, name, s, full) for s in sizes(full)]


def info_json(settings: Settings, record_id: str, name: str, full: Size) -> str:
    data = {
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": urls.absolute(settings, image_path(record_id, name)),
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": full[0],
        "height": full[1],
        "sizes": [{"width": w, "height": h} for w, h in sizes(full)],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def record_images(record: Record, image_sizes: dict[str, Size]) -> list[tuple[str, Size]]:
    """The record's page images that could be read: (file name, full size), in ``files`` order."""
    return [(PurePosixPath(rel).name, image_sizes[rel]) for rel in record.files if rel in image_sizes]


def manifest(record: Record, settings: Settings, images: list[tuple[str, Size]]) -> str:
    """The record's Presentation 3 manifest: one Canvas per page image."""
    base = urls.absolute(settings, urls.record_file(record.id, "manifest.json"))
    lang = settings.language or "none"
    data: dict[str, Any] = {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": base,
        "type": "Manifest",
        "label": {lang: [record.title]},
        "homepage": [{"id": urls.absolute(settings, urls.record(record.id)), "type": "Text",
                      "label": {lang: [record.title]}, "format": "text/html"}],
        "items": [_canvas(record, settings, base, i, name, full) for i, (name, full) in enumerate(images, 1)],
    }
    rights = record.rights
    if rights is not None:
        if rights.uri.startswith(("http://creativecommons.org/", "http://rightsstatements.org/",
                                  "https://creativecommons.org/")):
            data["rights"] = rights.uri  # the spec allows only these two vocabularies here
        data["requiredStatement"] = {"label": {lang: [rights.label]}, "value": {lang: [rights.text]}}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _canvas(record: Record, settings: Settings, base: str, n: int, name: str, full: Size) -> dict[str, Any]:
    canvas = f"{base}/canvas/{n}"
    service = urls.absolute(settings, image_path(record.id, name))
    return {
        "id": canvas, "type": "Canvas", "label": {"none": [name]}, "width": full[0], "height": full[1],
        "items": [{"id": f"{canvas}/page", "type": "AnnotationPage", "items": [{
            "id": f"{canvas}/page/image", "type": "Annotation", "motivation": "painting", "target": canvas,
            "body": {"id": urls.absolute(settings, size_path(record.id, name, full, full)), "type": "Image",
                     "format": "image/jpeg", "width": full[0], "height": full[1],
                     "service": [{"id": service, "type": "ImageService3", "profile": "level0"}]}}]}],
    }
