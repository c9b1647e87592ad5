"""Patch extraction at scale: worker processes, one writer, resumable and shardable."""

from .params import ExtractParams, ExtractRun
from .pipeline import ExtractResult, available_cores, extract_patches, parse_shard

__all__ = [
    "ExtractParams",
    "ExtractResult",
    "ExtractRun",
    "available_cores",
    "extract_patches",
    "parse_shard",
]
