"""Where uploaded files live: a small interface, a local directory by default, so that production can put an
object store behind the same four calls. Files arrive already on local disk (streamed there by the upload
intake) and are handed over whole; readers get a file object and read it in chunks.

A file saved during a request that is then rolled back is deleted again (nothing left behind); a file deleted
during a request is only removed once the request commits (nothing lost if it fails)."""

import shutil
import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from app.config import get_settings


class Storage(Protocol):
    def save(self, key: str, source: Path) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


class LocalStorage:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.staging_dir = self.root / ".staging"
        self.staging_dir.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key outside the store: {key!r}")
        return path

    def save(self, key: str, source: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # The staging directory is inside the root, so this is a rename on one file system: a reader never
        # sees half a file.
        shutil.move(source, target)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def modified(self, key: str) -> datetime:
        return datetime.fromtimestamp(self._path(key).stat().st_mtime, UTC)

    def keys(self) -> list[str]:
        """Every stored key (for checks that nothing is orphaned)."""
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*")
                      if p.is_file() and self.staging_dir not in p.parents)


@cache
def _local(root: str) -> LocalStorage:
    return LocalStorage(Path(root))


def get_storage() -> Storage:
    """The configured store (a dependency, so tests can give each test its own directory)."""
    return _local(str(get_settings().upload_dir))


def staging_dir(storage: Storage) -> Path:
    """Where the upload intake writes a file while it arrives: inside a local store, else the system's temp."""
    directory = getattr(storage, "staging_dir", None)
    return Path(directory) if directory else Path(tempfile.gettempdir())


# --- Files follow the database transaction ------------------------------------------------------------------

def save_in_transaction(session: Session, storage: Storage, key: str, source: Path) -> None:
    storage.save(key, source)
    session.info.setdefault("files_saved", []).append((storage, key))


def delete_after_commit(session: Session, storage: Storage, key: str) -> None:
    session.info.setdefault("files_to_delete", []).append((storage, key))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop("files_saved", None)
    for storage, key in session.info.pop("files_to_delete", []):
        storage.delete(key)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint inside the request: the request's own outcome decides
    session.info.pop("files_to_delete", None)
    for storage, key in session.info.pop("files_saved", []):
        storage.delete(key)
