import { useCallback, useEffect, useRef, useState } from "react";
import { socketUrl } from "./api";

/** Where the browser streams microphone audio for a voice answer (speech/ protocol: 16 kHz mono PCM16). */
export const voiceSocketPath = (sessionId: string) => `/interview/${sessionId}/audio`;

const SAMPLE_RATE = 16000;

/** The capture worklet (public/worklets/capture.js): 16 kHz float samples to the page in ~100 ms batches. */
const CAPTURE_WORKLET_URL = "/worklets/capture.js";

function toPcm16(samples: Float32Array): ArrayBuffer {
  const pcm = new Int16Array(samples.length);
  for (let index = 0; index < samples.length; index += 1) {
    const clamped = Math.max(-1, Math.min(1, samples[index]));
    pcm[index] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
  }
  return pcm.buffer;
}

export type VoiceState = "idle" | "starting" | "recording" | "transcribing" | "error";

export interface VoiceResult {
  text: string;
  metrics?: Record<string, unknown>;
}

/** The server saved the spoken answer and scored it (`answer` on the audio socket). */
export interface VoiceAnswer {
  questionId: string;
  done: boolean;
  nextQuestionId?: string | null;
}

const VOICE_ERRORS: Record<string, string> = {
  no_speech: "We didn't hear an answer. Check your microphone, then try again or type your answer.",
  not_accepting: "The interview is paused or over, so that answer was not saved.",
  no_open_question: "Every question is already answered.",
  already_answered: "This question was already answered.",
  time_up: "Time is up; the interview was finalized.",
};

/**
 * Records an answer from the microphone over `WS /interview/{id}/audio` (speech/ protocol): partial
 * transcripts while the candidate speaks, the final one when they stop, and then the server saves it
 * as the answer to the current question and scores it.
 */
export function useVoiceAnswer(sessionId: string, onFinal: (result: VoiceResult) => void, onAnswer?: (answer: VoiceAnswer) => void) {
  const [state, setState] = useState<VoiceState>("idle");
  const [partial, setPartial] = useState("");
  const [error, setError] = useState<string | null>(null);
  const parts = useRef<{ socket?: WebSocket; context?: AudioContext; stream?: MediaStream }>({});
  const finalHandler = useRef(onFinal);
  finalHandler.current = onFinal;
  const answerHandler = useRef(onAnswer);
  answerHandler.current = onAnswer;

  const releaseAudio = useCallback(() => {
    parts.current.stream?.getTracks().forEach((track) => track.stop());
    void parts.current.context?.close().catch(() => undefined);
    parts.current.stream = undefined;
    parts.current.context = undefined;
  }, []);

  const closeAll = useCallback(() => {
    releaseAudio();
    parts.current.socket?.close(1000);
    parts.current.socket = undefined;
  }, [releaseAudio]);

  useEffect(() => closeAll, [closeAll]);

  const start = useCallback(async () => {
    setError(null);
    setPartial("");
    setState("starting");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
      });
      const context = new AudioContext({ sampleRate: SAMPLE_RATE });
      await context.audioWorklet.addModule(CAPTURE_WORKLET_URL);
      const socket = new WebSocket(socketUrl(voiceSocketPath(sessionId)));
      socket.binaryType = "arraybuffer";
      parts.current = { socket, context, stream };

      socket.onmessage = (message) => {
        if (typeof message.data !== "string") return;
        const event = JSON.parse(message.data) as Record<string, unknown>;
        if (event.type === "partial") setPartial(String(event.text ?? ""));
        else if (event.type === "final") {
          // The microphone stops; the server is saving and scoring the answer.
          setPartial(String(event.text ?? ""));
          setState("transcribing");
          releaseAudio();
          finalHandler.current({ text: String(event.text ?? ""), metrics: event.metrics as Record<string, unknown> | undefined });
        } else if (event.type === "answer") {
          setState("idle");
          closeAll();
          answerHandler.current?.({ questionId: String(event.question_id ?? ""), done: Boolean(event.done), nextQuestionId: event.next_question_id as string | null | undefined });
        } else if (event.type === "error") {
          const code = String(event.code ?? "");
          setError(VOICE_ERRORS[code] ?? String(event.message ?? "We couldn't transcribe that answer. Please try again or type it instead."));
          setState("error");
          closeAll();
        }
      };
      socket.onerror = () => {
        setError("The connection for voice answers failed. You can type your answer instead.");
        setState("error");
        releaseAudio();
      };
      await new Promise<void>((resolve, reject) => {
        socket.onopen = () => resolve();
        socket.onclose = () => reject(new Error("refused"));
        setTimeout(() => reject(new Error("timeout")), 8000);
      });
      socket.onclose = null;
      socket.send(JSON.stringify({ type: "start", sample_rate: SAMPLE_RATE, format: "pcm16", channels: 1 }));

      const node = new AudioWorkletNode(context, "candidatex-capture");
      node.port.onmessage = (message: MessageEvent<Float32Array>) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(toPcm16(message.data));
      };
      context.createMediaStreamSource(stream).connect(node);
      setState("recording");
    } catch (caught) {
      closeAll();
      const denied = caught instanceof DOMException && caught.name === "NotAllowedError";
      setError(
        denied
          ? "The browser was not allowed to use your microphone. Allow it in the address bar, or type your answer."
          : "We couldn't start recording. Check your microphone and connection, or type your answer.",
      );
      setState("error");
    }
  }, [sessionId, closeAll, releaseAudio]);

  /** The candidate says they are done: stop the microphone and wait for the final transcript. */
  const stop = useCallback(() => {
    const socket = parts.current.socket;
    releaseAudio(); // nothing after "done" may start another answer
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "done" }));
      setState("transcribing");
    } else {
      setState("idle");
    }
  }, [releaseAudio]);

  return { state, partial, error, start, stop };
}

/** Reads text aloud with the browser's speech synthesis, when there is one. */
export function speak(text: string): void {
  if (!("speechSynthesis" in window) || !text) return;
  window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.rate = 0.95;
  window.speechSynthesis.speak(utterance);
}

/** Hands-free voice interview states, as the phone page shows them. */
export type HandsFreeState = "connecting" | "speaking" | "listening" | "thinking" | "reconnecting" | "error";

interface ShownQuestion {
  id: string;
  text: string;
  speak_text?: string | null;
}

/** Reads `text` aloud and resolves when it is over (or after a bound: some browsers never say "end"). */
export function speakThen(text: string, enabled: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (!enabled || !("speechSynthesis" in window) || !text) return resolve();
    const bound = window.setTimeout(resolve, Math.min(1500 + text.length * 70, 15000));
    const done = () => { window.clearTimeout(bound); resolve(); };
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.rate = 0.95;
    utterance.onend = done;
    utterance.onerror = done;
    window.speechSynthesis.speak(utterance);
  });
}

const MAX_PENDING_CHUNKS = 600; // ~60 s of audio kept while the connection is down

/**
 * The whole interview by voice over one `WS /interview/{id}/audio`: the question is read aloud, the microphone
 * streams while the candidate answers, the server decides the end of the turn (or the candidate says "I'm done"
 * or taps Done), saves and scores the answer, and the next question follows. A dropped connection is retried;
 * audio captured meanwhile is kept and sent when it is back, and the server keeps the answer in progress.
 */
export function useHandsFreeVoice(sessionId: string, question: ShownQuestion | null, enabled: boolean, readAloud: boolean) {
  const [state, setState] = useState<HandsFreeState>("connecting");
  const [partial, setPartial] = useState("");
  const [heard, setHeard] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [answers, setAnswers] = useState(0);
  const stateRef = useRef<HandsFreeState>("connecting");
  const questionRef = useRef<ShownQuestion | null>(null);
  const parts = useRef<{ socket?: WebSocket; context?: AudioContext; stream?: MediaStream; pending: ArrayBuffer[]; retries: number; closed: boolean; timer?: number }>({ pending: [], retries: 0, closed: false });

  const moveTo = useCallback((next: HandsFreeState) => {
    stateRef.current = next;
    setState(next);
  }, []);

  const sendAudio = useCallback((chunk: ArrayBuffer) => {
    const socket = parts.current.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(chunk);
    else if (parts.current.pending.push(chunk) > MAX_PENDING_CHUNKS) parts.current.pending.shift();
  }, []);

  const connect = useCallback(() => {
    if (parts.current.closed) return;
    const socket = new WebSocket(socketUrl(voiceSocketPath(sessionId)));
    socket.binaryType = "arraybuffer";
    parts.current.socket = socket;
    socket.onopen = () => {
      parts.current.retries = 0;
      socket.send(JSON.stringify({ type: "start", sample_rate: SAMPLE_RATE, format: "pcm16", channels: 1, question_id: questionRef.current?.id }));
      for (const chunk of parts.current.pending.splice(0)) socket.send(chunk);
      if (stateRef.current === "reconnecting" || stateRef.current === "connecting") moveTo("listening");
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== "string") return;
      const event = JSON.parse(message.data) as Record<string, unknown>;
      if (event.type === "partial") setPartial(String(event.text ?? ""));
      else if (event.type === "speech_started") setError(null);
      else if (event.type === "final") {
        setHeard(String(event.text ?? ""));
        moveTo("thinking");
      } else if (event.type === "answer") {
        setAnswers((count) => count + 1); // the next question arrives on the interview stream
      } else if (event.type === "error") {
        const code = String(event.code ?? "");
        setError(VOICE_ERRORS[code] ?? String(event.message ?? "That answer could not be saved."));
        if (code === "no_speech" || code === "wrong_question" || code === "already_answered") moveTo("listening");
      }
    };
    socket.onclose = () => {
      if (parts.current.closed || parts.current.socket !== socket) return;
      moveTo("reconnecting");
      const delay = Math.min(500 * 2 ** parts.current.retries, 5000);
      parts.current.retries += 1;
      parts.current.timer = window.setTimeout(connect, delay);
    };
  }, [sessionId, moveTo]);

  useEffect(() => {
    if (!enabled) return;
    parts.current.closed = false;
    let cancelled = false;
    (async () => {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
        const context = new AudioContext({ sampleRate: SAMPLE_RATE });
        await context.audioWorklet.addModule(CAPTURE_WORKLET_URL);
        if (cancelled) { stream.getTracks().forEach((track) => track.stop()); void context.close(); return; }
        parts.current.stream = stream;
        parts.current.context = context;
        const node = new AudioWorkletNode(context, "candidatex-capture");
        // While the question is read aloud the microphone would hear the phone itself: nothing is sent then.
        node.port.onmessage = (message: MessageEvent<Float32Array>) => {
          if (stateRef.current !== "speaking") sendAudio(toPcm16(message.data));
        };
        context.createMediaStreamSource(stream).connect(node);
        connect();
      } catch (caught) {
        const denied = caught instanceof DOMException && caught.name === "NotAllowedError";
        setError(denied ? "The browser was not allowed to use your microphone. Allow it in the address bar." : "We couldn't start the microphone.");
        moveTo("error");
      }
    })();
    return () => {
      cancelled = true;
      parts.current.closed = true;
      window.clearTimeout(parts.current.timer);
      const socket = parts.current.socket;
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "stop" }));
      socket?.close(1000);
      parts.current.stream?.getTracks().forEach((track) => track.stop());
      void parts.current.context?.close().catch(() => undefined);
      parts.current = { pending: [], retries: 0, closed: true };
    };
  }, [enabled, connect, sendAudio, moveTo]);

  // A new question: say which one is on screen, read it aloud, then listen.
  useEffect(() => {
    if (!enabled || !question || questionRef.current?.id === question.id) return;
    questionRef.current = question;
    setPartial("");
    setHeard("");
    setError(null);
    const socket = parts.current.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "question", question_id: question.id }));
    moveTo("speaking");
    void speakThen(question.speak_text || question.text, readAloud).then(() => {
      if (questionRef.current?.id === question.id && stateRef.current === "speaking") {
        moveTo(parts.current.socket?.readyState === WebSocket.OPEN ? "listening" : "reconnecting");
      }
    });
  }, [enabled, question, readAloud, moveTo]);

  /** The candidate taps Done: the answer ends now. */
  const done = useCallback(() => {
    const socket = parts.current.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "done" }));
    moveTo("thinking");
  }, [moveTo]);

  /** Read the question again (the microphone pauses meanwhile). */
  const repeat = useCallback(() => {
    const current = questionRef.current;
    if (!current) return;
    moveTo("speaking");
    void speakThen(current.speak_text || current.text, true).then(() => { if (stateRef.current === "speaking") moveTo("listening"); });
  }, [moveTo]);

  return { state, partial, heard, error, answers, done, repeat };
}
