"""In-memory file storage behind file_id, getFile and the file download route.

A file is stored as one kind (photo, document, video, voice, audio), as Telegram keeps it: its
file id is only good for the method of that kind ("type of file mismatch" otherwise).
"""

from __future__ import annotations

import hashlib
import mimetypes
import struct
from dataclasses import dataclass
from typing import Any


@dataclass
class StoredFile:
    """One file known to the sandbox."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    kind: str
    file_name: str | None
    mime_type: str
    width: int = 0
    height: int = 0

    def as_file(self) -> dict[str, Any]:
        """The Bot API File object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def as_document(self) -> dict[str, Any]:
        """The Bot API Document object."""
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "mime_type": self.mime_type,
        }
        if self.file_name:
            doc["file_name"] = self.file_name
        return doc

    def as_media(self) -> dict[str, Any]:
        """The message field for this file: {"photo": [...]}, {"video": {...}}, ..."""
        if self.kind == "photo":
            return {"photo": self.as_photo()}
        if self.kind == "document":
            return {"document": self.as_document()}
        media: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "mime_type": self.mime_type,
            "duration": 0,
        }
        if self.kind == "video":
            media.update(width=self.width, height=self.height)
        if self.kind in ("video", "audio") and self.file_name:
            media["file_name"] = self.file_name
        return {self.kind: media}

    def as_photo(self) -> list[dict[str, Any]]:
        """The Bot API list of PhotoSize objects."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.data),
                "width": self.width,
                "height": self.height,
            }
        ]


def _image_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 0, 0


# Per kind: the file id's prefix (as Telegram's look), the folder of file_path, the default
# MIME type and suffix.
KINDS: dict[str, tuple[str, str, str, str]] = {
    "photo": ("AgAC", "photos", "image/jpeg", "jpg"),
    "document": ("BQAC", "documents", "application/octet-stream", "bin"),
    "video": ("BAAC", "videos", "video/mp4", "mp4"),
    "voice": ("AwAC", "voice", "audio/ogg", "oga"),
    "audio": ("CQAC", "music", "audio/mpeg", "mp3"),
}


class FileStore:
    """Files by file_id and by file_path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def add(self, data: bytes, kind: str, file_name: str | None, mime: str | None) -> StoredFile:
        """Store bytes as a file of `kind` (see KINDS) and return the new file."""
        self._counter += 1
        digest = hashlib.sha1(data).hexdigest()[:16]
        prefix, folder, default_mime, default_suffix = KINDS[kind]
        guessed = mimetypes.guess_type(file_name or "")[0]
        mime_type = mime or guessed or default_mime
        suffix = (file_name or "").rsplit(".", 1)[-1] if file_name and "." in file_name else None
        suffix = suffix or default_suffix
        width, height = _image_size(data) if kind == "photo" else (0, 0)
        stored = StoredFile(
            file_id=f"{prefix}{self._counter:06d}{digest}",
            file_unique_id=f"AQ{digest[:12]}",
            file_path=f"{folder}/file_{self._counter}.{suffix}",
            data=data,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """Look a file up by file_id."""
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        """Look a file up by file_path."""
        return self._by_path.get(path)
