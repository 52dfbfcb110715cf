import type { MessageDetail } from "@/lib/queries/messages";

function Purged() {
  return (
    <p className="text-sm text-slate-400">
      No body stored — it may have been erased or purged after the retention period.
    </p>
  );
}

function SmsContent({ m }: { m: MessageDetail }) {
  if (m.body === null) return <Purged />;
  return (
    <div className="space-y-3">
      <div
        className="max-w-sm whitespace-pre-wrap break-words rounded-2xl rounded-bl-sm bg-slate-100 px-4 py-2.5 text-sm text-slate-900"
        data-testid="message-body"
      >
        {m.body}
      </div>
      {m.media_urls?.length ? (
        <ul className="space-y-1 text-xs">
          {m.media_urls.map((u) => (
            <li key={u}>
              <a
                href={u}
                target="_blank"
                rel="noreferrer noopener"
                className="text-indigo-600 hover:underline"
              >
                {u}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function EmailContent({ m }: { m: MessageDetail }) {
  if (m.html === null && m.text === null) return <Purged />;
  return (
    <div className="space-y-4">
      {m.html !== null ? (
        <div>
          <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">HTML</p>
          {/* sandbox="" keeps the email's scripts, forms and navigation away from the console. */}
          <iframe
            title="Email HTML content"
            sandbox=""
            srcDoc={m.html}
            className="h-96 w-full rounded-md bg-white ring-1 ring-slate-200"
            data-testid="message-html-frame"
          />
        </div>
      ) : null}
      {m.text !== null ? (
        <div>
          <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Text part</p>
          <pre
            className="max-h-96 overflow-auto whitespace-pre-wrap rounded-md bg-slate-50 p-3 text-xs text-slate-700"
            data-testid="message-text"
          >
            {m.text}
          </pre>
        </div>
      ) : null}
      {m.attachments.length > 0 ? (
        <div>
          <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Attachments</p>
          <ul className="text-sm text-slate-700">
            {m.attachments.map((a) => (
              <li key={`${a.filename}:${a.content_type}:${a.size}`}>
                {a.filename} <span className="text-xs text-slate-400">{a.content_type}</span>{" "}
                <span className="text-xs text-slate-400">{(a.size / 1024).toFixed(1)} KB</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export function MessageContent({ m }: { m: MessageDetail }) {
  return m.channel === "sms" ? <SmsContent m={m} /> : <EmailContent m={m} />;
}
