import { Badge } from "@/components/ui/badge";
import type { MessageDetail } from "@/lib/queries/messages";
import { prettyJson, statusTone } from "./format";

type Attempt = MessageDetail["attempts"][number];
type Event = MessageDetail["events"][number];
type Entry = { kind: "event"; at: string; event: Event } | { kind: "attempt"; at: string; attempt: Attempt };

const ENGAGEMENT_TONES: Record<string, "indigo" | "red"> = {
  opened: "indigo",
  clicked: "indigo",
  complained: "red",
  unsubscribed: "red",
};

function hasData(data: unknown): boolean {
  if (data === null || data === undefined) return false;
  return typeof data !== "object" || Object.keys(data).length > 0;
}

interface QuietHoursNote {
  zone: string;
  zones: string[];
  reason: string;
  window: string;
  until: string | null;
}

function quietHoursOf(data: unknown): QuietHoursNote | null {
  if (!data || typeof data !== "object" || !("quiet_hours" in data)) return null;
  const q = (data as { quiet_hours: unknown }).quiet_hours;
  return q && typeof q === "object" && "zone" in q ? (q as QuietHoursNote) : null;
}

/** In words: why a marketing SMS waits, and by whose clock. */
function QuietHoursExplanation({ note }: { note: QuietHoursNote }) {
  const others = note.zones.filter((z) => z !== note.zone);
  return (
    <p className="mt-1 text-sm text-amber-800" data-testid="quiet-hours-explanation">
      Held for quiet hours ({note.window}) in {note.zone}
      {note.until ? ` until ${new Date(note.until).toLocaleString()}` : ""}: the zone comes from {note.reason}
      {others.length ? `; quiet hours also had to be over in ${others.join(", ")}` : ""}.
    </p>
  );
}

function EventRow({ event }: { event: Event }) {
  const quiet = quietHoursOf(event.data);
  return (
    <li className="flex gap-3" data-testid="event-row" data-type={event.type}>
      <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-slate-300" aria-hidden />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={ENGAGEMENT_TONES[event.type] ?? statusTone(event.type)}>{event.type}</Badge>
          <time className="text-xs text-slate-500" dateTime={event.at}>
            {new Date(event.at).toLocaleString()}
          </time>
        </div>
        {quiet ? <QuietHoursExplanation note={quiet} /> : null}
        {hasData(event.data) ? (
          <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all text-xs text-slate-500">
            {prettyJson(event.data)}
          </pre>
        ) : null}
      </div>
    </li>
  );
}

function AttemptRow({ attempt }: { attempt: Attempt }) {
  const ok = attempt.outcome === "success";
  return (
    <li className="flex gap-3" data-testid="attempt-row" data-outcome={attempt.outcome}>
      <span
        className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${ok ? "bg-emerald-500" : "bg-rose-500"}`}
        aria-hidden
      />
      <div className="min-w-0 flex-1 rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-medium text-slate-900">Attempt via {attempt.provider_type}</span>
          <Badge tone={ok ? "green" : "red"}>{attempt.outcome}</Badge>
          <time className="text-xs text-slate-500" dateTime={attempt.at}>
            {new Date(attempt.at).toLocaleString()}
          </time>
          {attempt.duration_ms !== null ? (
            <span className="text-xs text-slate-500">{attempt.duration_ms} ms</span>
          ) : null}
        </div>
        {attempt.error ? <p className="mt-1 text-sm text-rose-600">{attempt.error}</p> : null}
        {attempt.response !== null && attempt.response !== undefined ? (
          <details className="mt-1">
            <summary className="cursor-pointer text-xs text-slate-500 hover:text-slate-700">
              Provider response
            </summary>
            <pre className="mt-1 max-h-80 overflow-auto rounded bg-white p-2 text-xs text-slate-700 ring-1 ring-slate-200">
              {prettyJson(attempt.response)}
            </pre>
          </details>
        ) : null}
      </div>
    </li>
  );
}

/** Events and attempts in one time line, oldest first (the API returns each list separately). */
function merge(events: Event[], attempts: Attempt[]): Entry[] {
  const entries: Entry[] = [
    ...events.map((event) => ({ kind: "event" as const, at: event.at, event })),
    ...attempts.map((attempt) => ({ kind: "attempt" as const, at: attempt.at, attempt })),
  ];
  // Array.prototype.sort is stable: equal times keep the API's own order within each list.
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function MessageTimeline({ events, attempts }: { events: Event[]; attempts: Attempt[] }) {
  const entries = merge(events, attempts);
  if (entries.length === 0) return <p className="text-sm text-slate-400">Nothing has happened yet.</p>;
  return (
    <ol className="space-y-3" data-testid="message-timeline">
      {entries.map((e, i) =>
        e.kind === "event" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id and never reorder
          <EventRow key={`e${i}`} event={e.event} />
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id and never reorder
          <AttemptRow key={`a${i}`} attempt={e.attempt} />
        ),
      )}
    </ol>
  );
}
