import { useCallback, useEffect, useRef, useState } from "react";
import { api, socketUrl } from "./api";
import { ApiError } from "./errors";

export interface ChatMessage {
  id: string;
  sender: string;
  senderRole?: string;
  text: string;
  at: string;
  mine: boolean;
}

export interface Participant {
  id: string;
  name?: string;
  role?: string;
}

type Direction = "publish" | "subscribe";

async function gatheredOffer(pc: RTCPeerConnection): Promise<RTCSessionDescriptionInit> {
  // The server peer (aiortc) takes one complete offer; wait for ICE gathering rather than trickling.
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== "complete") {
    await new Promise<void>((resolve) => {
      const done = () => {
        if (pc.iceGatheringState === "complete") {
          pc.removeEventListener("icegatheringstatechange", done);
          resolve();
        }
      };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, 3000);
    });
  }
  return pc.localDescription!;
}

/**
 * One participant in a live-interview room: signaling over the WebSocket, a publish peer for our
 * camera and microphone (unless watching), a subscribe peer for everybody else's media, and chat.
 */
export function useLiveRoom(sessionId: string, { localStream, publish, userId }: { localStream: MediaStream | null; publish: boolean; userId?: string }) {
  const [status, setStatus] = useState<"connecting" | "connected" | "ended" | "error">("connecting");
  const [error, setError] = useState<string | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [participants, setParticipants] = useState<Participant[]>([]);
  const socket = useRef<WebSocket | null>(null);
  const peers = useRef<Partial<Record<Direction, RTCPeerConnection>>>({});
  const pendingAnswers = useRef<Partial<Record<Direction, (sdp: RTCSessionDescriptionInit) => void>>>({});

  const negotiate = useCallback(async (direction: Direction) => {
    peers.current[direction]?.close();
    const pc = new RTCPeerConnection();
    peers.current[direction] = pc;
    if (direction === "publish") {
      localStream?.getTracks().forEach((track) => pc.addTrack(track, localStream));
    } else {
      pc.addTransceiver("video", { direction: "recvonly" });
      pc.addTransceiver("audio", { direction: "recvonly" });
      const incoming = new MediaStream();
      pc.ontrack = (event) => {
        incoming.addTrack(event.track);
        setRemoteStream(new MediaStream(incoming.getTracks()));
      };
    }
    const offer = await gatheredOffer(pc);
    const answer = new Promise<RTCSessionDescriptionInit>((resolve) => {
      pendingAnswers.current[direction] = resolve;
    });
    socket.current?.send(JSON.stringify({ type: "offer", direction, sdp: offer.sdp }));
    await pc.setRemoteDescription(await answer);
  }, [localStream]);

  useEffect(() => {
    if (publish && !localStream) return;
    const ws = new WebSocket(socketUrl(`/live-interview/${sessionId}`));
    socket.current = ws;
    let subscribing: Promise<void> = Promise.resolve();
    const resubscribe = () => {
      subscribing = subscribing.then(() => negotiate("subscribe")).catch(() => undefined);
    };

    ws.onopen = async () => {
      ws.send(JSON.stringify({ type: "join" }));
      setStatus("connected");
      try {
        if (publish) await negotiate("publish");
        // The server relays each role's feed on one track, whoever publishes into it and whenever:
        // one subscription is enough.
        resubscribe();
      } catch {
        setError("We couldn't connect your camera and microphone to the interview. Check your connection and reload.");
      }
    };
    ws.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as Record<string, unknown>;
      const type = String(event.type);
      if (type === "answer") {
        const direction = (event.direction as Direction) ?? (pendingAnswers.current.publish ? "publish" : "subscribe");
        pendingAnswers.current[direction]?.({ type: "answer", sdp: String(event.sdp) });
        delete pendingAnswers.current[direction];
      } else if (type === "join" || type === "leave") {
        // {participant_id, role, participants: [{participant_id, role}]}: the whole room after the change.
        if (Array.isArray(event.participants)) {
          setParticipants((event.participants as Record<string, unknown>[]).map((person) => ({
            id: String(person.participant_id ?? ""),
            role: person.role as string | undefined,
            name: person.participant_id === userId ? "you" : undefined,
          })));
        }
      } else if (type === "message") {
        const sender = String(event.participant_id ?? "");
        setMessages((current) => [
          ...current,
          {
            id: String(event.id ?? `${Date.now()}-${current.length}`),
            sender: sender === userId ? "You" : event.role === "candidate" ? "Candidate" : "Interviewer",
            senderRole: event.role as string | undefined,
            text: String(event.text ?? ""),
            at: String(event.sent_at ?? new Date().toISOString()),
            mine: sender === userId,
          },
        ]);
      } else if (type === "end") {
        setStatus("ended");
      } else if (type === "error") {
        setError(String(event.message ?? "The interview connection reported a problem."));
      }
    };
    ws.onclose = (closed) => {
      setStatus((current) => (current === "ended" || closed.code === 1000 ? "ended" : "error"));
      if (closed.code !== 1000 && closed.code !== 4000) setError("The connection to the interview was lost. Reload the page to rejoin.");
    };
    return () => {
      ws.close(1000);
      Object.values(peers.current).forEach((pc) => pc?.close());
      peers.current = {};
    };
  }, [sessionId, publish, localStream, negotiate, userId]);

  const sendMessage = useCallback((text: string) => {
    socket.current?.send(JSON.stringify({ type: "message", text }));
  }, []);

  const end = useCallback(() => {
    socket.current?.send(JSON.stringify({ type: "end" }));
  }, []);

  return { status, error, remoteStream, messages, participants, sendMessage, end };
}

export type PublishState = "off" | "connecting" | "live" | "unavailable" | "failed";

async function iceServers(): Promise<RTCIceServer[]> {
  try {
    const data = await api.get<{ ice_servers?: RTCIceServer[] } | RTCIceServer[]>("/media/ice-servers");
    return Array.isArray(data) ? data : data.ice_servers ?? [];
  } catch {
    return [];
  }
}

/**
 * Sends the candidate's camera and microphone to the server (POST /media/sessions/{id}/offer,
 * direction "publish") so anti-cheat can watch the video and recruiters can see it live.
 * A server without the media endpoint leaves the interview running without it.
 */
export function usePublishMedia(sessionId: string, stream: MediaStream | null, enabled: boolean): PublishState {
  const [state, setState] = useState<PublishState>("off");
  useEffect(() => {
    if (!enabled || !stream) return;
    let stopped = false;
    let pc: RTCPeerConnection | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = async (attempt: number) => {
      setState("connecting");
      try {
        pc = new RTCPeerConnection({ iceServers: await iceServers() });
        stream.getTracks().forEach((track) => pc!.addTrack(track, stream));
        const offer = await gatheredOffer(pc);
        const answer = await api.post<RTCSessionDescriptionInit>(`/media/sessions/${sessionId}/offer`, {
          sdp: offer.sdp, type: offer.type, direction: "publish",
        });
        if (stopped) return;
        await pc.setRemoteDescription({ type: answer.type ?? "answer", sdp: answer.sdp });
        const current = pc;
        current.onconnectionstatechange = () => {
          if (stopped) return;
          if (current.connectionState === "connected") setState("live");
          else if (current.connectionState === "failed" || current.connectionState === "closed") {
            setState("failed");
            current.close();
            retry = setTimeout(() => void connect(attempt + 1), Math.min(10_000, 1000 * 2 ** attempt));
          }
        };
      } catch (error) {
        pc?.close();
        if (stopped) return;
        if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
          setState("unavailable");
          return;
        }
        setState("failed");
        if (error instanceof ApiError && error.status === 409) return; // the session is not running any more
        retry = setTimeout(() => void connect(attempt + 1), Math.min(10_000, 1000 * 2 ** attempt));
      }
    };
    void connect(0);
    return () => {
      stopped = true;
      clearTimeout(retry);
      pc?.close();
      setState("off");
    };
  }, [sessionId, stream, enabled]);
  return state;
}
