"""Page images (issue 15): their size, and the fixed-size JPEG derivatives render/iiif.py names.

Derivatives are written with the originals (a scan's derivatives carry its stat key, so an
unchanged scan is not processed again). Bytes are deterministic: no metadata, fixed quality, no
progressive or optimised Huffman passes. Memory stays bounded by ``draft`` (JPEG decodes at the
nearest 1/2, 1/4, 1/8 scale) and by the image itself (one at a time).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from archivegen.render import iiif

Image.MAX_IMAGE_PIXELS = 300_000_000  # a large-format scan (20,000 x 15,000) is fine; bombs are not


def read_size(path: Path) -> iiif.Size | None:
    """The image's (width, height) from its header; None when it is no image Pillow reads."""
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


def write_derivative(src: Path, staging: Path, path: str) -> None:
    """Write the derivative ``path`` (a size_path) of ``src`` into ``staging``."""
    size = iiif.parse_size(path)
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # it may be a hard link into the published site
    with Image.open(src) as im:
        if size is not None:
            im.draft("RGB", size)
        out = im.convert("RGB") if im.mode not in ("RGB", "L") else im.copy()
    if size is not None and out.size != size:
        out = out.resize(size, Image.Resampling.LANCZOS)
    out.save(target, "JPEG", quality=85, optimize=False, progressive=False)
