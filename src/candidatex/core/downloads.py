"""An audit report as the file a bias auditor downloads: CSV or PDF, named for the job and attribute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from litestar import Response


def report_download(report: Any, file_format: str, name: str, to_pdf: Callable[[Any], bytes],
                    to_csv: Callable[[Any], str]) -> Response[bytes]:
    if file_format == "pdf":
        content, media_type = to_pdf(report), "application/pdf"
    else:
        content, media_type = to_csv(report).encode(), "text/csv; charset=utf-8"
    filename = quote(f"{name}.{file_format}")
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename=\"{filename}\""})
