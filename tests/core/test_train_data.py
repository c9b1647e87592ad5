"""Which patches training sees: an epoch is a shuffled pass without replacement (the seed's),
reproducible from the seed and the epoch; the selection by type and pathology."""

from __future__ import annotations

import torch

from mammogan_core.training.data import EpochOrder

CPU = torch.device("cpu")


def epoch_batches(order: EpochOrder, epoch: int) -> list[list[int]]:
    first = epoch * order.steps_per_epoch
    return [order.indices(s).tolist() for s in range(first, first + order.steps_per_epoch)]


def test_each_epoch_visits_every_patch_once_and_keeps_the_last_partial_batch() -> None:
    order = EpochOrder(n=21, batch=8, seed=0, device=CPU)
    assert order.steps_per_epoch == 3
    epochs = [epoch_batches(order, e) for e in range(3)]
    for batches in epochs:
        assert [len(b) for b in batches] == [8, 8, 5]  # drop_last=False, as the seed
        assert sorted(i for b in batches for i in b) == list(range(21))
    assert epochs[0] != epochs[1] != epochs[2]  # reshuffled every epoch
    assert epochs[0][0] != list(range(8))  # shuffled, not in store order


def test_the_order_follows_from_seed_and_epoch_alone() -> None:
    a = EpochOrder(n=30, batch=4, seed=5, device=CPU)
    b = EpochOrder(n=30, batch=4, seed=5, device=CPU)
    late = 3 * a.steps_per_epoch + 2  # a resumed run jumps straight into epoch 3
    assert b.indices(late).tolist() == [a.indices(s) for s in range(late + 1)][-1].tolist()
    assert EpochOrder(n=30, batch=4, seed=6, device=CPU).indices(0).tolist() != (
        a.indices(0).tolist()
    )


def test_ranks_split_each_global_batch_and_none_is_empty() -> None:
    ranks = [EpochOrder(n=10, batch=4, seed=1, device=CPU, rank=r, world=2) for r in range(2)]
    assert ranks[0].steps_per_epoch == 2
    seen = [i for step in range(2) for r in ranks for i in r.indices(step).tolist()]
    assert all(len(r.indices(s)) == 4 for r in ranks for s in range(2))
    assert set(seen) == set(range(10)) and len(seen) == 16  # 6 repeats top up the last batch
    assert sorted(seen[:8]) == sorted(set(seen[:8]))  # no patch twice within a global batch
