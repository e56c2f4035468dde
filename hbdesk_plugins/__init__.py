"""hbdesk's built-in plugins, one package per domain (installed as ``hbdesk_plugins``)."""
