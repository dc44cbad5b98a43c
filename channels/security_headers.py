"""Security headers on every response the app sends (ASGI middleware).

Every response: `X-Content-Type-Options: nosniff` (a browser never guesses a type we did not
send) and `Referrer-Policy: same-origin` (URLs never leak to other sites; the console's
language switch still sees its own referrer). HTML pages also get a Content-Security-Policy
that allows only our own scripts, and may not be framed by anyone (`frame-ancestors 'none'`,
and `X-Frame-Options: DENY` for old browsers): the demo page, the privacy page and the console
are top-level pages. Third-party sites embed the widget with `<script src=".../widget.js">`,
not a frame, so this costs them nothing; the widget's socket and uploads go back to our origin.
A route that sets its own CSP (evidence files: `sandbox`) keeps it.
"""

from __future__ import annotations

HTML_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    # the pages' own <style> blocks and the widget's shadow-root stylesheet
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


class SecurityHeadersMiddleware:
    def __init__(self, app, *, hsts: bool = False) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin")]
                if content_type.startswith(b"text/html"):
                    extra += [(b"content-security-policy", HTML_CSP.encode()),
                              (b"x-frame-options", b"DENY")]
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(n, v) for n, v in extra if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
