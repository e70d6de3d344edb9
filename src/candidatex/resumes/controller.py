from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.security.jwt import Token

from candidatex.auth.guards import requires
from candidatex.core.errors import InvalidInput
from candidatex.core.exceptions import app_error_handler, internal_error_handler
from candidatex.core.pagination import PageNumber, page_size
from candidatex.core.request import meta_of
from candidatex.core.schemas import Envelope, Page, object_id_param, ok, page_of
from candidatex.resumes.schemas import AnalyzeIn, ResumeOut
from candidatex.resumes.service import ResumeService
from candidatex.users.models import User

AuthedRequest = Request[User, Token, Any]
ResumeId = object_id_param("resume id")
# The file limit is 10 MB (answered with 413 by the service); the body may carry a little multipart framing.
UPLOAD_BODY_LIMIT = 10 * 1024 * 1024 + 64 * 1024


def _no_file_attached(request: Request, exc: RuntimeError) -> Response:
    """Litestar's multipart extractor fails with StopIteration (as RuntimeError) when the form holds no file."""
    if "StopIteration" not in str(exc):
        return internal_error_handler(request, exc)
    return app_error_handler(request, InvalidInput("Attach the resume file as a multipart file field",
                                                   code="file_required",
                                                   details=[{"field": "data", "message": "no file in the form"}]))


class ResumeController(Controller):
    path = "/resume"
    tags = ["resumes"]

    @post("/upload", status_code=201, guards=[requires("resume:own")], request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers={RuntimeError: _no_file_attached})
    async def upload(self, request: AuthedRequest, resume_service: ResumeService,
                     data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)]) -> Envelope[ResumeOut]:
        content = await data.read()
        resume = await resume_service.upload(request.user, data.filename, content, meta_of(request))
        return ok(ResumeOut.of(resume), "Uploaded; the resume is being read (status: pending)")

    @get("/", guards=[requires("resume:own")])
    async def list_mine(self, request: AuthedRequest, resume_service: ResumeService,
                        page: int = PageNumber, limit: int = page_size()) -> Envelope[Page[ResumeOut]]:
        items, total = await resume_service.list_mine(request.user, page, limit)
        return ok(page_of([ResumeOut.of(r) for r in items], total, page, limit))

    @get("/{resume_id:str}")
    async def get_resume(self, request: AuthedRequest, resume_service: ResumeService,
                         resume_id: str = ResumeId) -> Envelope[ResumeOut]:
        resume = await resume_service.get_for(request.user, resume_id)
        return ok(ResumeOut.of(resume, with_text=True, owner_view=resume.owner_id == str(request.user.id)))

    @post("/{resume_id:str}/analyze", status_code=200, guards=[requires("resume:own")])
    async def analyze(self, request: AuthedRequest, resume_service: ResumeService, data: AnalyzeIn | None = None,
                      resume_id: str = ResumeId) -> Envelope[ResumeOut]:
        data = data or AnalyzeIn()
        resume, report = await resume_service.analyze(request.user, resume_id, data.job_id, data.job_title,
                                                      data.job_description)
        return ok(ResumeOut.of(resume), f"ATS score {report.score}/100")

    @get("/{resume_id:str}/download")
    async def download(self, request: AuthedRequest, resume_service: ResumeService,
                       resume_id: str = ResumeId) -> Response[bytes]:
        resume, content = await resume_service.download(request.user, resume_id, meta_of(request))
        ascii_name = resume.filename.encode("ascii", "replace").decode().replace("?", "_")
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(resume.filename)}"
        return Response(content, media_type=resume.content_type, headers={"Content-Disposition": disposition})

    @delete("/{resume_id:str}", status_code=200)
    async def delete_resume(self, request: AuthedRequest, resume_service: ResumeService,
                            resume_id: str = ResumeId) -> Envelope[None]:
        await resume_service.delete(request.user, resume_id, meta_of(request))
        return ok(None, "Resume deleted")
