from __future__ import annotations

import pytest
from speech_samples import FORMATS, INTRO, silence, wav_bytes, white_noise, word_overlap

from candidatex.speech.audio import AudioError, UploadLimits
from candidatex.speech.pipeline import VoiceAnswerPipeline


@pytest.mark.parametrize("ext", FORMATS)
async def test_an_uploaded_answer_in_any_format_becomes_its_words(transcriber, recordings, ext):
    pipeline = VoiceAnswerPipeline(transcriber)
    final = await pipeline.transcribe_file(recordings[ext].read_bytes())
    assert word_overlap(INTRO, final.text) >= 0.75, final.text
    assert final.ended_by == "upload"
    assert 100 <= final.metrics.words_per_minute <= 260


@pytest.mark.parametrize("audio", [silence(3), white_noise(3)], ids=["silence", "noise"])
async def test_an_upload_without_speech_is_a_clear_error(transcriber, audio):
    pipeline = VoiceAnswerPipeline(transcriber)
    with pytest.raises(AudioError) as error:
        await pipeline.transcribe_file(wav_bytes(audio))
    assert error.value.code == "no_speech"


async def test_upload_limits_come_from_the_pipeline(transcriber, recordings):
    data = recordings["wav"].read_bytes()
    pipeline = VoiceAnswerPipeline(transcriber, upload_limits=UploadLimits(max_bytes=1000))
    with pytest.raises(AudioError) as error:
        await pipeline.transcribe_file(data)
    assert error.value.code == "too_large"


async def test_a_non_audio_upload_is_a_clear_error(transcriber):
    with pytest.raises(AudioError) as error:
        await VoiceAnswerPipeline(transcriber).transcribe_file(b"<html><body>my answer</body></html>" * 30)
    assert error.value.code == "not_audio"
