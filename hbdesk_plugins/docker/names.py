"""Docker's naming rules, checked before anything reaches the daemon or the file system."""

from __future__ import annotations

import re

from hbdesk.sdk import InvalidInput, excerpt

CONTAINER_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")
CONTAINER_NAME_MAX = 128
BOT_PREFIX = "hummingbot-"  # the reference archives and removes only bot containers

# The image reference grammar of Docker's distribution library: [domain[:port]/]path[:tag][@digest].
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
IMAGE_REFERENCE = re.compile(rf"(?P<name>{_NAME})(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?")
IMAGE_NAME_MAX = 255


def container_name(name: str) -> str:
    """``name`` if Docker would accept it as a container name; it is then one path component."""
    if len(name) > CONTAINER_NAME_MAX or not CONTAINER_NAME.fullmatch(name):
        raise InvalidInput(
            f"Invalid container name {excerpt(name)!r}: use letters, digits, '_', '.' and '-', "
            "starting with a letter or a digit."
        )
    return name


def bot_container_name(name: str) -> str:
    """A container name that is also a Hummingbot bot's (``hummingbot-*``)."""
    container_name(name)
    if not name.startswith(BOT_PREFIX):
        raise InvalidInput(
            f"This endpoint only removes Hummingbot containers. Container {name!r} is not a "
            f"Hummingbot container (its name must start with {BOT_PREFIX!r})."
        )
    return name


def image_reference(image: str) -> str:
    """The image as the daemon names it: a reference with neither tag nor digest means ``:latest``,
    so ``hummingbot/hummingbot`` and ``hummingbot/hummingbot:latest`` are one pull."""
    match = IMAGE_REFERENCE.fullmatch(image)
    if match is None or len(match["name"]) > IMAGE_NAME_MAX:
        raise InvalidInput(
            f"Invalid image name {excerpt(image)!r}: expected [registry/]repository[:tag][@digest], "
            "for example hummingbot/hummingbot:latest."
        )
    if match["tag"] is None and match["digest"] is None:
        return f"{image}:latest"
    return image
