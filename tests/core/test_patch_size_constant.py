"""The patch size is one constant (`mammogan_core.workspace.PATCH_SIZE`): no module types 128
as a size beside it. A 128 counts as a patch size where it is a shape (two 128s side by side) or
the value of a name about sizes (size, side, patch); channel widths, histogram bins, the DICOM
preamble and exit statuses are other 128s."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE_NAME = re.compile(r"size|side|patch", re.IGNORECASE)


def _is_128(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == 128


def _name(target: ast.AST) -> str:
    return target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")


def patch_size_literals(source: str) -> list[int]:
    """Line numbers of the 128s in `source` that are patch sizes."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        named: list[tuple[str, ast.AST | None]] = []
        side_by_side = getattr(node, "elts", None) or getattr(node, "args", None)
        if isinstance(side_by_side, list) and sum(map(_is_128, side_by_side)) >= 2:  # a shape
            lines.append(node.lineno)
        elif isinstance(node, ast.keyword):
            named = [(node.arg or "", node.value)]
        elif isinstance(node, ast.Assign):
            named = [(_name(t), node.value) for t in node.targets]
        elif isinstance(node, ast.AnnAssign):
            named = [(_name(node.target), node.value)]
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            named = [
                (a.arg, d)
                for a, d in zip(positional[len(positional) - len(node.defaults) :], node.defaults)
            ] + [(a.arg, d) for a, d in zip(node.kwonlyargs, node.kw_defaults)]
        lines += [v.lineno for name, v in named if SIZE_NAME.search(name) and _is_128(v)]
    return lines


def files_with_patch_size_literals() -> dict[str, list[int]]:
    found = {}
    for top in ("mammogan_core", "app"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("mammogan_core", "testing"):  # fixtures pick their own sizes
                continue
            lines = patch_size_literals(path.read_text(encoding="utf-8"))
            if lines:
                found[rel.as_posix()] = lines
    return found


def test_no_patch_size_literal_beside_the_constant():
    stray = files_with_patch_size_literals()
    assert stray == {"mammogan_core/workspace/patch_store.py": [16]}, (
        "use mammogan_core.workspace.PATCH_SIZE for the patch size"
    )


def test_the_search_tells_patch_sizes_from_other_128s():
    sizes = """
MIN_SIZE = 128
empty = np.zeros((0, 128, 128))
manifest = {"size": [128, 128]}
def windows(mask, side: int = 128): ...
def cut(*, patch=128): ...
class Options:
    size: int = 128
frames = torch.randn(4, 1, 128, 128)
resize(img, size=128)
"""
    others = """
widths = (16, 32, 64, 128, 256)
block = Inception(768, channels_7x7=128)
counts = np.histogram(x, bins=128)
is_dicom = head[128:132] == b"DICM"
code = 128 + signal.SIGINT
"""
    assert sorted(patch_size_literals(sizes)) == [2, 3, 4, 5, 6, 8, 9, 10]  # 7: the class line
    assert patch_size_literals(others) == []
