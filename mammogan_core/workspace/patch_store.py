"""A growable, memory-mapped N x 128 x 128 pixel store (uint8, or uint16 as a variant).

The file is raw pixels, row after row. The catalogue is the source of truth for which rows hold
committed patches: rows are written and flushed first, then their catalogue rows are committed
in one transaction. A crash between the two leaves unreferenced rows that the next writer
overwrites, never a catalogue row that points at missing pixels.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

PATCH_SIZE = 128
_GROW_ROWS = 4096  # grow in chunks so appends do not resize the file every time


class PatchStore:
    def __init__(self, path: str | Path, dtype: str | np.dtype = np.uint8, size: int = PATCH_SIZE):
        self.path = Path(path)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.uint8), np.dtype(np.uint16)):
            raise ValueError(f"patch store dtype must be uint8 or uint16, not {self.dtype}")
        self.size = size
        self._row_bytes = size * size * self.dtype.itemsize
        self._map: np.memmap | None = None
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch()

    @property
    def capacity(self) -> int:
        """Rows the file can hold now (committed or not)."""
        return os.path.getsize(self.path) // self._row_bytes

    def _mapped(self) -> np.memmap | None:
        cap = self.capacity
        if cap == 0:
            return None
        if self._map is None or self._map.shape[0] != cap:
            self._map = np.memmap(
                self.path, dtype=self.dtype, mode="r+", shape=(cap, self.size, self.size)
            )
        return self._map

    def read(self, indices: int | np.ndarray | list[int] | slice) -> np.ndarray:
        """Pixels of the given rows (a view into the memory map for slices and ints)."""
        m = self._mapped()
        if m is None:
            raise IndexError("the patch store is empty")
        return m[indices]

    def view(self, count: int) -> np.ndarray:
        """A read-only view of the first `count` rows, without copying."""
        if count == 0:
            return np.zeros((0, self.size, self.size), self.dtype)
        m = self._mapped()
        assert m is not None and count <= m.shape[0], "count beyond the store"
        v = m[:count]
        v.flags.writeable = False
        return v

    def write(self, start: int, patches: np.ndarray) -> None:
        """Write rows [start, start + len(patches)) and flush them to disk."""
        patches = np.asarray(patches)
        if patches.ndim != 3 or patches.shape[1:] != (self.size, self.size):
            raise ValueError(f"patches must be N x {self.size} x {self.size}, got {patches.shape}")
        end = start + patches.shape[0]
        if end > self.capacity:
            self._grow(end)
        m = self._mapped()
        assert m is not None
        m[start:end] = patches.astype(self.dtype, copy=False)
        m.flush()

    def _grow(self, rows_needed: int) -> None:
        rows = ((rows_needed + _GROW_ROWS - 1) // _GROW_ROWS) * _GROW_ROWS
        self._map = None  # drop the old map before resizing the file
        with open(self.path, "r+b") as fh:
            fh.truncate(rows * self._row_bytes)
            fh.flush()
            os.fsync(fh.fileno())

    def close(self) -> None:
        if self._map is not None:
            self._map.flush()
            self._map = None
