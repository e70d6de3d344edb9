"""The interviewer's voice on the server: espeak-ng, the same synthesiser the phone page falls back to.

Used to put the spoken questions into a voice interview's recording (the candidate heard them, so the
recording has them too). espeak-ng is a system program; without it there is nothing to record.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import wave

ESPEAK = "espeak-ng"
MAX_TEXT_CHARS = 2_000
SYNTH_TIMEOUT_S = 20.0


async def synthesize(text: str, voice: str = "en-us", words_per_minute: int = 160) -> tuple[bytes, int]:
    """`text` spoken by espeak-ng: mono PCM16 and its sample rate; (b"", 0) when espeak-ng is missing."""
    binary = shutil.which(ESPEAK)
    text = " ".join(text.split())[:MAX_TEXT_CHARS]
    if binary is None or not text:
        return b"", 0
    # The text goes on stdin, never on the command line: a question starting with "-" is not an option.
    process = await asyncio.create_subprocess_exec(
        binary, "--stdout", "--stdin", "-v", voice, "-s", str(words_per_minute),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        wav, _ = await asyncio.wait_for(process.communicate(text.encode()), SYNTH_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        return b"", 0
    if process.returncode != 0 or not wav:
        return b"", 0
    with wave.open(io.BytesIO(wav)) as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            return b"", 0
        return reader.readframes(reader.getnframes()), reader.getframerate()
