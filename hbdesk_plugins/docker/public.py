"""What other plugins may use of the docker plugin: its service key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.docker.service import DockerService

DOCKER: ServiceKey[DockerService] = ServiceKey("docker")
