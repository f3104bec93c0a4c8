"""``netra web``: serve the review web app with uvicorn."""

from __future__ import annotations

import typer

from monitor.cli.common import console, require_current_schema


def web(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Send the session cookie over HTTPS only (use behind a TLS proxy)."
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None, "--forwarded-allow-ips",
        help="Proxy addresses whose X-Forwarded-For is trusted, so the audit log records the real client IP.",
    ),
) -> None:
    """Serve the review web app (queue, items, decisions, audit log, exports)."""
    import uvicorn

    from monitor.web.app import create_app

    require_current_schema()
    app = create_app(secure_cookies=secure_cookies or None)  # unset: settings.web_cookie_secure
    console.print(f"Netra web app on http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, proxy_headers=forwarded_allow_ips is not None,
                forwarded_allow_ips=forwarded_allow_ips)
