"""Docker's shapes: what the service hands the desk, and the Hummingbot API's docker answers.

The REST shapes keep the reference's field names (its router and service answer plain dicts);
the service shapes are the desk's, closer to what the daemon says.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from hbdesk.sdk import RequestModel

TEXT_MAX = 256  # a filter or an image name longer than this is not one

# -- what the service hands out -------------------------------------------------------------------


class DaemonStatus(BaseModel):
    is_running: bool
    host: str
    detail: str


class ContainerInfo(BaseModel):
    id: str
    name: str
    image: str
    state: str  # the daemon's one word: running, exited, created, ...
    status: str  # the daemon's sentence: "Up 2 hours", "Exited (0) 3 minutes ago"
    created: str  # ISO 8601, UTC


class ImageInfo(BaseModel):
    id: str
    tags: list[str]
    size: int  # bytes
    created: str  # ISO 8601, UTC


class RemovalResult(BaseModel):
    container: str
    removed: bool
    archived_to: str | None  # the archive folder, or None when there was nothing to keep


class LayerProgress(BaseModel):
    status: str
    current: int = 0  # bytes of the phase the status names (download, extraction)
    total: int = 0


class PullState(BaseModel):
    image: str
    status: Literal["pulling", "done", "failed"]
    progress: float = Field(0.0, ge=0.0, le=1.0)  # share of the layers downloaded
    layers: dict[str, LayerProgress] = Field(default_factory=dict)
    error: str | None = None
    started_at: float
    finished_at: float | None = None


# -- requests ------------------------------------------------------------------------------------


class DockerImage(RequestModel):
    image_name: str = Field(min_length=1, max_length=TEXT_MAX)


class ImageNameQuery(BaseModel):
    image_name: str | None = Field(None, max_length=TEXT_MAX)


class NameFilterQuery(BaseModel):
    name_filter: str | None = Field(None, max_length=TEXT_MAX)


class RemoveContainerQuery(BaseModel):
    archive_locally: bool = True
    s3_bucket: str | None = Field(None, max_length=TEXT_MAX)


# -- answers, as the Hummingbot API spells them --------------------------------------------------


class ContainerRow(BaseModel):
    id: str
    name: str
    status: str  # the reference's "status" is the daemon's state word
    image: str


class ActionResult(BaseModel):
    success: bool
    message: str


class ContainerRemoved(ActionResult):
    archived_to: str | None


class ContainersCleaned(ActionResult):
    removed_containers: list[str]


class PullStarted(BaseModel):
    message: str
    status: Literal["started", "in_progress"]
    image_name: str
    started_at: float


class PullOperation(BaseModel):
    status: Literal["pulling", "completed", "failed"]
    started_at: float
    completed_at: float | None = None
    failed_at: float | None = None
    duration_seconds: float
    progress: str  # the reference's progress is a sentence; the numbers follow
    percent: float
    layers: dict[str, LayerProgress]
    error: str | None = None
    result: dict[str, Any] | None = None


class PullStatus(BaseModel):
    pull_operations: dict[str, PullOperation]
    total_operations: int
