import { useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../lib/rtc";
import { Button, cx } from "./ui";

export function ChatPanel({ messages, onSend, disabled }: { messages: ChatMessage[]; onSend: (text: string) => void; disabled?: boolean }) {
  const [draft, setDraft] = useState("");
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // Braces: scrollIntoView returns a promise in new Chromium, and an effect may only return a cleanup function.
    end.current?.scrollIntoView({ block: "nearest" });
  }, [messages.length]);
  return (
    <div className="flex min-h-72 flex-1 flex-col">
      <ol className="max-h-[26rem] min-h-0 flex-1 space-y-2 overflow-y-auto pr-1" aria-live="polite" aria-label="Chat messages" data-testid="chat-messages">
        {messages.length === 0 && <li className="text-sm text-slate-600">No messages yet.</li>}
        {messages.map((message) => (
          <li key={message.id} className={cx("max-w-[85%] rounded-lg px-3 py-2 text-sm", message.mine ? "ml-auto bg-indigo-700 text-white" : "bg-slate-100 text-slate-900")}>
            {!message.mine && <span className="block text-xs font-semibold">{message.sender}</span>}
            {message.text}
          </li>
        ))}
        <li ref={end} aria-hidden="true" />
      </ol>
      <form className="mt-3 flex gap-2" onSubmit={(event) => {
        event.preventDefault();
        if (!draft.trim()) return;
        onSend(draft.trim());
        setDraft("");
      }}>
        <label htmlFor="chat-input" className="sr-only">Message</label>
        <input id="chat-input" value={draft} onChange={(event) => setDraft(event.target.value)} disabled={disabled} placeholder="Write a message"
          className="flex-1 rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-200" data-testid="chat-input" />
        <Button type="submit" disabled={disabled || !draft.trim()} data-testid="chat-send">Send</Button>
      </form>
    </div>
  );
}
