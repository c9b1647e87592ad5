"""The error raised for an image file that cannot be read."""

from __future__ import annotations

from mammogan_core.errors import InputError


class ImageReadError(InputError):
    """An image file that is not an image, is truncated or corrupt, or cannot be decoded here.

    `str(err)` is "<path>: <reason>"; `err.reason` and `err.path` are also available.
    """
