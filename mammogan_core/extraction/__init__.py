"""Patch extraction at scale: worker processes, one writer, resumable and shardable."""

from .params import ExtractParams
from .pipeline import extract_patches, parse_shard

__all__ = ["ExtractParams", "extract_patches", "parse_shard"]
