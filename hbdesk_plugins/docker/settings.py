"""The docker plugin's settings section (HBDESK_DOCKER__<KEY>); the host also reads DOCKER_HOST, as
the docker CLI and the Hummingbot API do."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from hbdesk.sdk import PluginSettings


class DockerSettings(PluginSettings):
    host: str = Field(
        "unix:///var/run/docker.sock",
        validation_alias=AliasChoices("HBDESK_DOCKER__HOST", "DOCKER_HOST"),
        description="Where the Docker daemon answers (unix://, tcp://).",
    )
    timeout: float = Field(2.0, gt=0, description="Seconds to wait for a ping or a list.")
    action_timeout: float = Field(
        30.0, gt=0, description="Seconds to wait for a start, stop or removal (a stop waits for the bot)."
    )
    stop_grace: int = Field(10, ge=0, description="Seconds a container has to exit before it is killed.")
    pull_idle_timeout: float = Field(
        300.0, gt=0, description="Seconds a pull may go without news from the daemon before it is failed."
    )
