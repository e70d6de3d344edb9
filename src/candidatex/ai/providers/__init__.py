"""AI providers: `local` (no network), `openai` (any OpenAI-compatible server) and `gemini`."""

from candidatex.ai.providers.base import AIProvider, EvaluatedItem, ProviderError

__all__ = ["AIProvider", "EvaluatedItem", "ProviderError"]
