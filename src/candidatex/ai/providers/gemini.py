"""Google Gemini through the google-genai SDK, asking for an application/json response."""

from __future__ import annotations

from google import genai
from google.genai import errors, types

from candidatex.ai.providers.base import MalformedOutputError, ProviderError
from candidatex.ai.providers.openai import is_retryable_status
from candidatex.ai.providers.remote import RemoteJSONProvider

DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"


class GeminiProvider(RemoteJSONProvider):
    name = "gemini"

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_GEMINI_MODEL,
        base_url: str | None = None,
        timeout_seconds: float = 30.0,
        temperature: float = 0.3,
        api_version: str = "v1beta",
    ) -> None:
        self.model = model
        self._temperature = temperature
        # v1beta carries every generation option we use (system instruction, JSON response type).
        # No SDK retry_options: the SDK then tries once, and AIService owns retries and fallback.
        self._client = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(
                base_url=base_url, api_version=api_version, timeout=int(timeout_seconds * 1000)
            ),
        )

    async def complete_json(self, system: str, user: str) -> str:
        try:
            response = await self._client.aio.models.generate_content(
                model=self.model,
                contents=user,
                config=types.GenerateContentConfig(
                    system_instruction=system,
                    response_mime_type="application/json",
                    temperature=self._temperature,
                ),
            )
        except errors.APIError as exc:
            raise ProviderError(f"gemini HTTP {exc.code}", retryable=is_retryable_status(exc.code)) from exc
        text = response.text
        if not text:
            raise MalformedOutputError("gemini reply has no text")
        return text

    async def aclose(self) -> None:
        await self._client.aio.aclose()
