"""Controllers shipped with hbdesk: each module here is listed by ``GET /controllers/`` under the
type its config class declares, read-only. hummingbot imports them by module name."""
