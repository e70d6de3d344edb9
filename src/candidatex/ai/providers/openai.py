"""OpenAI chat completions in JSON mode; with `base_url`, any OpenAI-compatible server (vLLM, Ollama, ...)."""

from __future__ import annotations

import openai

from candidatex.ai.providers.base import MalformedOutputError, ProviderError
from candidatex.ai.providers.remote import RemoteJSONProvider

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


def is_retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


class OpenAIProvider(RemoteJSONProvider):
    name = "openai"

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_OPENAI_MODEL,
        base_url: str | None = None,
        timeout_seconds: float = 30.0,
        temperature: float = 0.3,
    ) -> None:
        self.model = model
        self._temperature = temperature
        # Retries and deadlines belong to AIService, which also decides when to fall back.
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=0
        )

    async def complete_json(self, system: str, user: str) -> str:
        try:
            response = await self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                response_format={"type": "json_object"},
                temperature=self._temperature,
            )
        except openai.APIStatusError as exc:
            raise ProviderError(
                f"openai HTTP {exc.status_code}", retryable=is_retryable_status(exc.status_code)
            ) from exc
        except openai.APIError as exc:
            raise ProviderError(f"openai request failed: {type(exc).__name__}") from exc
        if not response.choices or not response.choices[0].message.content:
            raise MalformedOutputError("openai reply has no content")
        return response.choices[0].message.content

    async def aclose(self) -> None:
        await self._client.close()
