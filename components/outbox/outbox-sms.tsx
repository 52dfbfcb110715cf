import type { OutboxItem } from "@/lib/queries/messages";
import { countSegments } from "@/lib/services/sms/segments";
import { OutboxMessageLink } from "./message-link";

export function OutboxSms({ item }: { item: OutboxItem }) {
  const body = item.body ?? "";
  // Older rows may lack the counts; the same counter the server uses fills them in.
  const counted = item.encoding === null || item.segments === null ? countSegments(body) : null;
  const encoding = item.encoding ?? counted?.encoding ?? "GSM-7";
  const segments = item.segments ?? counted?.segments ?? 1;
  return (
    <article className="flex items-start justify-between gap-4 rounded-lg bg-white px-4 py-4 shadow-sm ring-1 ring-slate-200">
      <div className="w-full max-w-xs rounded-3xl bg-slate-900 p-2 shadow-inner">
        <div className="rounded-[1.25rem] bg-slate-50 px-3 pb-4 pt-3">
          <p className="text-center text-xs font-medium text-slate-700" data-testid="outbox-sms-to">
            {item.to}
          </p>
          {item.from ? <p className="text-center text-[11px] text-slate-400">from {item.from}</p> : null}
          <div
            className="mt-3 w-fit max-w-full whitespace-pre-wrap break-words rounded-2xl rounded-bl-sm bg-slate-200 px-3 py-2 text-sm text-slate-900"
            data-testid="outbox-sms-body"
          >
            {body}
          </div>
        </div>
      </div>
      <div className="flex shrink-0 flex-col items-end gap-2 text-right">
        <time className="text-xs text-slate-500" dateTime={item.created_at}>
          {new Date(item.created_at).toLocaleString()}
        </time>
        <p className="text-xs text-slate-600" data-testid="outbox-sms-info">
          {encoding} · {segments} segment{segments === 1 ? "" : "s"}
        </p>
        <p className="font-mono text-xs text-slate-600">{item.to}</p>
        <OutboxMessageLink messageId={item.message_id} />
      </div>
    </article>
  );
}
