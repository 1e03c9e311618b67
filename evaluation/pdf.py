"""The impact report as a PDF, drawn by WeasyPrint from the same HTML as the printable page.

WeasyPrint reads the report's stylesheets straight from the static files; it fetches
nothing else (no network, no other file), so a report can never pull in a remote
resource. WeasyPrint needs Pango from the operating system; where it cannot load,
`available()` is False and the report offers the browser's print-to-PDF instead.
"""

from __future__ import annotations

import functools
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

STATIC_PREFIX = "https://report.invalid"


@functools.cache
def available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Pango libraries are not installed
        return False
    return True


def _static_file(url: str) -> str | None:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != STATIC_PREFIX:
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or ".." in path.split("/"):
        return None
    return finders.find(path[len(settings.STATIC_URL) :])


def render(html: str) -> bytes:
    """The PDF of `html`, whose static addresses are relative to the site root."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            found = _static_file(url)
            if found is None:
                raise ValueError(f"The report fetches only its own static files, not {url}")
            with open(found, "rb") as file:
                body = file.read()
            mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})

    return HTML(
        string=html, base_url=STATIC_PREFIX + "/", url_fetcher=StaticFilesOnly()
    ).write_pdf()
