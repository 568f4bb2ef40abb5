import { useEffect, useRef, useState, type FormEvent } from 'react';
import { NoRecord } from '@veil/react';

interface Message {
  id: number;
  who: 'agent' | 'me';
  text: string;
}

/** Everything inside <NoRecord> stays out of the recording, messages added later too. */
export function SupportChat() {
  const [messages, setMessages] = useState<Message[]>([
    { id: 0, who: 'agent', text: 'Hello from Isolde at support. How can I help with your order?' },
  ]);
  const [draft, setDraft] = useState('');
  const log = useRef<HTMLOListElement>(null);
  const replies = useRef<ReturnType<typeof setTimeout>[]>([]);

  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [messages]);
  useEffect(() => () => replies.current.forEach(clearTimeout), []);

  const send = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setMessages((all) => [...all, { id: all.length, who: 'me', text }]);
    setDraft('');
    replies.current.push(
      setTimeout(() => {
        setMessages((all) => [...all, { id: all.length, who: 'agent', text: 'Thanks! Isolde will get back to you in a minute.' }]);
      }, 400),
    );
  };

  return (
    <NoRecord as="section" className="card chat" id="support-chat" aria-labelledby="chat-title">
      <div className="section-head">
        <h2 id="chat-title">Support chat</h2>
        <span className="marker-note">&lt;NoRecord&gt;</span>
      </div>
      <ol className="chat-log" id="chat-log" ref={log} aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} className={`msg ${m.who}`}>
            {m.text}
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={send}>
        <label className="visually-hidden" htmlFor="chat-input">
          Message
        </label>
        <input
          id="chat-input"
          name="message"
          placeholder="Type a message…"
          autoComplete="off"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Send</button>
      </form>
    </NoRecord>
  );
}
