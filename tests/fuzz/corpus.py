"""A seeded corpus of damaged inputs: valid DICOM, PNG, PGM and TIFF files and annotation tables
(generic CSV, VinDr CSV, mini-MIAS Info.txt), each mutated a few ways (truncation, bit flips,
wrong lengths, huge dimensions, wrong VRs, missing tags, random bytes, empty files, rows with
wrong columns, NaN / negative / off-image coordinates, non-UTF-8 text), and DICOM headers no
decoder can follow (files named `*_undecodable_*`: import must refuse them).

`write_corpus(root, seed)` writes the same files for the same seed and returns what it wrote:
images in a few folders (imported with `--format images`), annotation files beside a folder of
good images they refer to.
"""

from __future__ import annotations

import copy
import io
import struct
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import PIL.Image
import pydicom
from pydicom.uid import JPEG2000Lossless, JPEGBaseline8Bit, RLELossless

from mammogan_core.annotations.generic import COLUMNS as GENERIC_COLUMNS
from mammogan_core.io import synthetic_breast, write_mammogram_dicom
from mammogan_core.testing.datasets.vindr import VINDR_HEADER

ROWS, COLS = 96, 80
IMAGE_FOLDERS = 4
GOOD_IMAGES = ("mdb001", "mdb002", "mdb003", "mdb004")  # PGMs the annotation files name
Mutation = Callable[[bytes, np.random.Generator], bytes]


@dataclass
class Corpus:
    image_folders: list[Path] = field(default_factory=list)
    good_images: Path | None = None  # the folder of valid images the annotation files name
    annotations: list[tuple[str, Path]] = field(default_factory=list)  # (format, file)
    kinds: Counter = field(default_factory=Counter)  # "dicom/truncate" -> files

    @property
    def files(self) -> int:
        return sum(self.kinds.values())


# ------------------------------------------------------------------ byte mutations
def truncate(data: bytes, rng: np.random.Generator) -> bytes:
    return data[: int(rng.integers(0, len(data)))]


def cut_tail(data: bytes, rng: np.random.Generator) -> bytes:
    return data[: len(data) - int(rng.integers(1, 64))]


def bit_flips(data: bytes, rng: np.random.Generator) -> bytes:
    out = bytearray(data)
    for pos in rng.integers(0, len(out), int(rng.integers(1, 16))):
        out[pos] ^= 1 << int(rng.integers(0, 8))
    return bytes(out)


def header_flips(data: bytes, rng: np.random.Generator) -> bytes:
    """Bit flips in the first 1.5 KB, where headers and lengths are."""
    out = bytearray(data)
    for pos in rng.integers(0, min(len(out), 1500), int(rng.integers(1, 8))):
        out[pos] ^= 1 << int(rng.integers(0, 8))
    return bytes(out)


def random_bytes(data: bytes, rng: np.random.Generator) -> bytes:
    return rng.integers(0, 256, len(data), dtype=np.uint8).tobytes()


def random_tail(data: bytes, rng: np.random.Generator) -> bytes:
    """The header kept, the rest replaced by noise."""
    keep = min(len(data), int(rng.integers(8, 400)))
    return data[:keep] + rng.integers(0, 256, len(data) - keep, dtype=np.uint8).tobytes()


def empty(data: bytes, rng: np.random.Generator) -> bytes:
    return b""


BYTE_MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "cut_tail": cut_tail,
    "bit_flips": bit_flips,
    "header_flips": header_flips,
    "random_bytes": random_bytes,
    "random_tail": random_tail,
    "empty": empty,
}


# ------------------------------------------------------------------ DICOM
def _dicom_dataset(pixels: np.ndarray, **kwargs) -> pydicom.Dataset:
    from tempfile import TemporaryDirectory

    with TemporaryDirectory() as d:
        path = write_mammogram_dicom(Path(d) / "x.dcm", pixels, **kwargs)
        return pydicom.dcmread(path)


def _dicom_variants(pixels: np.ndarray) -> dict[str, pydicom.Dataset]:
    return {
        "native": _dicom_dataset(pixels),
        "j2k": _dicom_dataset(pixels, transfer_syntax=JPEG2000Lossless),
        "rle": _dicom_dataset(pixels, transfer_syntax=RLELossless),
    }


def _save(ds: pydicom.Dataset) -> bytes:
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def _dicom_edits(ds: pydicom.Dataset, rng: np.random.Generator) -> dict[str, bytes]:
    """Structural mutations made through pydicom: missing tags, huge sizes, wrong VRs, lengths
    (each on its own deep copy: `Dataset.copy()` shares the elements)."""
    out: dict[str, bytes] = {}
    for keyword in ("Rows", "BitsAllocated", "PixelData", "PhotometricInterpretation"):
        d = copy.deepcopy(ds)
        if keyword in d:
            del d[keyword]
        out[f"missing_{keyword}"] = _save(d)
    d = copy.deepcopy(ds)
    d.Rows, d.Columns = 65535, 65535
    out["huge_dims"] = _save(d)
    d = copy.deepcopy(ds)
    d.NumberOfFrames = 100000
    out["huge_frames"] = _save(d)
    d = copy.deepcopy(ds)
    d.BitsAllocated = int(rng.choice([0, 1, 7, 64]))
    out["odd_bits"] = _save(d)
    d = copy.deepcopy(ds)
    d.Columns = 0
    out["zero_cols"] = _save(d)
    data = _save(ds)
    # wrong VRs: the explicit VR of Rows/Columns ("US") rewritten as another VR
    vr = bytes(rng.choice([b"UN", b"SQ", b"DS", b"OB", b"XX"]))
    out["wrong_vr"] = data.replace(b"\x28\x00\x10\x00US", b"\x28\x00\x10\x00" + vr, 1)
    # wrong lengths: the Rows element claims 4 bytes, or the pixel data a huge length
    out["wrong_length"] = data.replace(
        b"\x28\x00\x10\x00US\x02\x00", b"\x28\x00\x10\x00US\x04\x00", 1
    )
    pix = data.find(b"\xe0\x7f\x10\x00")
    if pix > 0:
        big = bytearray(data)
        big[pix + 8 : pix + 12] = struct.pack("<I", 0x7FFFFFF0)
        out["huge_pixel_length"] = bytes(big)
    return out


UNDECODABLE = "undecodable"  # in the names of the files import must refuse, header alone


def _undecodable_edits(variant: str, ds: pydicom.Dataset) -> dict[str, bytes]:
    """Headers whose values no decoder turns into one grey image (each a file that pydicom
    cannot decode, or decodes to something that is not a mammogram)."""
    edits: dict[str, dict[str, object]] = {
        f"bits_allocated_{bits}": {"BitsAllocated": bits} for bits in (1, 7, 12, 24, 64)
    }
    edits |= {
        "bits_stored_over": {"BitsStored": int(ds.BitsAllocated) + 4},
        "unknown_photometric": {"PhotometricInterpretation": "MONOCHROME3"},
        "colour_photometric": {"PhotometricInterpretation": "RGB"},
        "samples_3": {"SamplesPerPixel": 3, "PlanarConfiguration": 0},
        "pixel_representation_2": {"PixelRepresentation": 2},
        "frames_3": {"NumberOfFrames": 3},
        "frames_0": {"NumberOfFrames": 0},
    }
    if variant == "native":
        grey = ds.pixel_array
        edits["bits_8_of_16"] = {"BitsAllocated": 8, "BitsStored": 8, "HighBit": 7}
        edits["rgb_image"] = {  # a real colour image: decodes, but not a mammogram
            "PhotometricInterpretation": "RGB",
            "SamplesPerPixel": 3,
            "PlanarConfiguration": 0,
            "PixelData": np.repeat(grey[..., None], 3, axis=2).tobytes(),
        }
    if variant == "j2k":  # a 12-bit image labelled as baseline JPEG (8 bits at most)
        edits["baseline_12_bits"] = {"TransferSyntaxUID": JPEGBaseline8Bit}
    out = {}
    for name, values in edits.items():
        d = copy.deepcopy(ds)
        for keyword, value in values.items():
            setattr(d.file_meta if keyword == "TransferSyntaxUID" else d, keyword, value)
        out[f"{UNDECODABLE}_{name}"] = _save(d)
    return out


# ------------------------------------------------------------------ plain images
def _plain(pixels: np.ndarray, fmt: str) -> bytes:
    buf = io.BytesIO()
    PIL.Image.fromarray(pixels).save(buf, format=fmt)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid-looking PNG whose header claims width x height pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 256)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _plain_edits(kind: str, pixels8: np.ndarray, pixels16: np.ndarray) -> dict[str, bytes]:
    if kind == "png":
        return {"huge_dims": huge_png(), "huge_8bit": huge_png(30_000, 30_000)}
    if kind == "pgm":
        body = pixels16.astype(">u2").tobytes()
        return {
            "huge_dims": b"P5\n100000 100000\n65535\n" + body,
            "negative_dims": b"P5\n-80 96\n255\n" + pixels8.tobytes(),
            "odd_maxval": b"P5\n80 96\n1000\n" + body[: len(body) // 2],
            "ascii_short": b"P2\n80 96\n255\n" + b"1 2 3\n" * 20,
        }
    tif = _plain(pixels16, "TIFF")
    # the ImageWidth tag (256, SHORT) is rewritten to claim 60000 columns
    return {
        "huge_dims": tif.replace(
            b"\x00\x01\x03\x00\x01\x00\x00\x00P\x00", b"\x00\x01\x03\x00\x01\x00\x00\x00\x60\xea", 1
        )
    }


# ------------------------------------------------------------------ annotation tables
def _csv(rows: list[list[object]]) -> bytes:
    return "".join(",".join(str(v) for v in r) + "\n" for r in rows).encode()


def _generic_rows(rng: np.random.Generator, good: Path) -> list[list[object]]:
    rows: list[list[object]] = [list(GENERIC_COLUMNS)]
    coords = [
        (10, 10, 40, 40),
        ("nan", "nan", "nan", "nan"),
        (-30, -30, -5, -5),
        (500, 500, 600, 640),
        (5, 5, 5, 5),
        (1e308, 0, 1e309, 10),
        ("x", 1, 2, 3),
        (30, 30, "", ""),
    ]
    for i in range(int(rng.integers(3, 9))):
        x0, y0, x1, y1 = coords[int(rng.integers(0, len(coords)))]
        image = good / f"{GOOD_IMAGES[i % len(GOOD_IMAGES)]}.pgm"
        label = str(rng.choice(["mass", "calcification", "normal", "", "Ünknown"]))
        rows.append([image, f"p{i}", "L", "CC", label, "benign", x0, y0, x1, y1, "", "", "", ""])
    return rows


def _vindr_rows(rng: np.random.Generator) -> list[list[object]]:
    rows: list[list[object]] = [list(VINDR_HEADER)]
    for i in range(int(rng.integers(3, 9))):
        box = [
            ["BI-RADS 4", 10.5, 20.25, 60.0, 80.75],
            ["BI-RADS 4", "nan", "nan", "nan", "nan"],
            ["BI-RADS 4", -10, -10, -1, -1],
            ["BI-RADS 4", 900, 900, 950, 960],
            ["", "", "", "", ""],
        ][int(rng.integers(0, 5))]
        cats = str(rng.choice(["['Mass']", "['No Finding']", "['Mass'", "[1, 2]", "Mass"]))
        image = GOOD_IMAGES[i % len(GOOD_IMAGES)]
        rows.append(["st1", "se1", image, "L", "CC", ROWS, COLS, "BI-RADS 4", "DENSITY C",
                     f'"{cats}"', *box])  # fmt: skip
    return rows


def _mias_text(rng: np.random.Generator) -> bytes:
    lines = ["MIAS MiniMammographic Database", "mdb003 D NORM"]
    for ref in GOOD_IMAGES:
        lines.append(
            str(
                rng.choice(
                    [
                        f"{ref} G CIRC B 40 50 10",
                        f"{ref} G CALC M",
                        f"{ref} G SPIC M 900 900 20",
                        f"{ref} G CIRC B -5 -5 3",
                        f"{ref} G CIRC B nan nan nan",
                        f"{ref} G CIRC B 40 50 -3",
                        f"{ref} G XXXX B 40 50 10",
                        f"{ref} G",
                        f"{ref} G CIRC B 40 50 1e400",
                    ]
                )
            )
        )
    return "\n".join(lines).encode("latin-1")


def _text_mutations(data: bytes, rng: np.random.Generator) -> dict[str, bytes]:
    lines = data.split(b"\n")
    wrong_columns = b"\n".join(
        ln + b",extra,1,2" if i % 2 else ln.rsplit(b",", 3)[0] for i, ln in enumerate(lines)
    )
    return {
        "valid": data,
        "wrong_columns": wrong_columns,
        "non_utf8": data.replace(b"L,", b"\xff\xfe\xe9,", 2) + b"\n\x80\x81\x82,\xc3\x28\n",
        "truncate": truncate(data, rng),
        "bit_flips": bit_flips(data, rng),
        "random_bytes": random_bytes(data, rng),
        "empty": b"",
        "header_only": lines[0] + b"\n",
        "nul_bytes": data.replace(b",", b",\x00", 3),
    }


# ------------------------------------------------------------------ the corpus
def write_corpus(root: Path, seed: int = 0, copies: int = 14) -> Corpus:
    """`copies` seeded variants of every random mutation (about 80 files each)."""
    rng = np.random.default_rng(seed)
    corpus = Corpus()
    corpus.image_folders = [root / f"images{i}" for i in range(IMAGE_FOLDERS)]
    for folder in corpus.image_folders:
        folder.mkdir(parents=True, exist_ok=True)
    n = 0

    def put(kind: str, name: str, suffix: str, data: bytes) -> None:
        nonlocal n
        folder = corpus.image_folders[n % IMAGE_FOLDERS]
        # no suffix: named by a UID as PACS exports are (the import tries those as DICOM)
        fname = f"{n:05d}_{kind}_{name}{suffix}" if suffix else f"1.2.826.0.1.{n}"
        (folder / fname).write_bytes(data)
        corpus.kinds[f"{kind}/{name}"] += 1
        n += 1

    breast16 = synthetic_breast(ROWS, COLS, seed=seed)
    breast8 = (breast16 >> 4).astype(np.uint8)
    dicoms = {k: _save(ds) for k, ds in _dicom_variants(breast16).items()}
    plains = {
        "png": (_plain(breast16, "PNG"), ".png"),
        "pgm": (_plain(breast8, "PPM"), ".pgm"),
        "pgm16": (_plain(breast16, "PPM"), ".pgm"),
        "tiff": (_plain(breast16, "TIFF"), ".tif"),
    }
    for c in range(copies):
        for variant, data in dicoms.items():
            for name, mutate in BYTE_MUTATIONS.items():
                put("dicom", f"{variant}_{name}", ".dcm", mutate(data, rng))
        for name, (data, suffix) in plains.items():
            for mname, mutate in BYTE_MUTATIONS.items():
                put(name, mname, suffix, mutate(data, rng))
        if c == 0:  # the structural edits are deterministic: once each
            for variant, ds in _dicom_variants(breast16).items():
                put("dicom", f"{variant}_valid", ".dcm", _save(ds))
                for name, data in _dicom_edits(ds, rng).items():
                    put("dicom", f"{variant}_{name}", ".dcm", data)
                for name, data in _undecodable_edits(variant, ds).items():
                    put("dicom", f"{variant}_{name}", ".dcm", data)
            for kind in ("png", "pgm", "tiff"):
                for name, data in _plain_edits(kind, breast8, breast16).items():
                    put(kind, name, plains[kind][1], data)
            for name, (data, suffix) in plains.items():
                put(name, "valid", suffix, data)
        # a DICOM without preamble under a UID-like name, and one without a suffix
        put("dicom", "no_preamble", "", header_flips(dicoms["native"][132:], rng))

    good = root / "good"
    good.mkdir()
    for i, ref in enumerate(GOOD_IMAGES):
        pixels = synthetic_breast(ROWS, COLS, bits_stored=8, seed=i).astype(np.uint8)
        PIL.Image.fromarray(pixels).save(good / f"{ref}.pgm")
    corpus.good_images = good
    tables = root / "tables"
    tables.mkdir()
    for c in range(copies):
        for fmt, name, data in (
            ("generic", "labels.csv", _csv(_generic_rows(rng, good))),
            ("vindr", "finding_annotations.csv", _csv(_vindr_rows(rng))),
            ("mias", "Info.txt", _mias_text(rng)),
        ):
            for mname, mutated in _text_mutations(data, rng).items():
                folder = tables / f"{fmt}_{c}_{mname}"
                folder.mkdir()
                (folder / name).write_bytes(mutated)
                corpus.annotations.append((fmt, folder / name))
                corpus.kinds[f"{fmt}/{mname}"] += 1
    return corpus
