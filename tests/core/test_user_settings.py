"""The remembered Inception weights file: used while it exists, never written by a command's
flag, a missing file named with the flag."""

from __future__ import annotations

import pytest

from mammogan_core.errors import InputError
from mammogan_core.metrics.user_settings import (
    INCEPTION_KEY,
    inception_weights,
    read_user_settings,
    remember,
    remembered_path,
    settings_path,
)


def test_a_given_file_is_used_and_never_stored(tmp_path) -> None:
    given = tmp_path / "given.pth"
    given.write_bytes(b"w")
    assert inception_weights(str(given)) == given.resolve()
    assert not settings_path().exists() and read_user_settings() == {}
    with pytest.raises(InputError, match="--inception-weights"):
        inception_weights(str(tmp_path / "missing.pth"))


def test_the_remembered_file_is_used_while_it_exists(tmp_path) -> None:
    assert inception_weights("") is None  # nothing remembered
    kept = tmp_path / "kept.pth"
    kept.write_bytes(b"w")
    remember(INCEPTION_KEY, str(kept))
    assert inception_weights("") == kept
    other = tmp_path / "other.pth"
    other.write_bytes(b"w")
    assert inception_weights(str(other)) == other.resolve()  # a flag wins, and is not stored
    assert remembered_path(INCEPTION_KEY) == kept
    kept.unlink()
    assert inception_weights("") is None and remembered_path(INCEPTION_KEY) == kept
