"""Multi-process training under torchrun: `torchrun --nproc_per_node N -m
mammogan_core.cli.ddp --workspace WS [mammogan train options]`.

Every rank runs `mammogan train`; train() sees WORLD_SIZE/LOCAL_RANK, joins the process group
(nccl on CUDA, gloo on CPU) and lets rank 0 alone write the run folder and the catalogue.
"""

from __future__ import annotations

import os
import sys

from .main import main as cli_main


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if int(os.environ.get("RANK", "0")) != 0:  # one summary and one log: rank 0's
        args = [a for a in args if a != "--json"] + ["--quiet"]
    try:
        return cli_main(["train", *args])
    finally:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
