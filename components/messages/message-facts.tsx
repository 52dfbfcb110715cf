import type { ReactNode } from "react";
import type { MessageDetail } from "@/lib/queries/messages";
import { formatCost, formatTime, prettyJson } from "./format";

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-all text-sm text-slate-900" data-testid={testId}>
        {children ?? <span className="text-slate-400">—</span>}
      </dd>
    </div>
  );
}

export function MessageFacts({ m }: { m: MessageDetail }) {
  const sms = m.channel === "sms";
  const hasMetadata = m.metadata !== null && Object.keys(m.metadata).length > 0;
  return (
    <div className="space-y-5">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-3">
        <Fact label="To" testId="message-to">
          {m.to}
        </Fact>
        <Fact label="From" testId="message-from">
          {m.from}
        </Fact>
        {m.cc?.length ? <Fact label="Cc">{m.cc.join(", ")}</Fact> : null}
        {m.bcc?.length ? <Fact label="Bcc">{m.bcc.join(", ")}</Fact> : null}
        {sms ? null : (
          <Fact label="Subject" testId="message-subject">
            {m.subject}
          </Fact>
        )}
        <Fact label="Category" testId="message-category">
          {m.category}
        </Fact>
        <Fact label="Template" testId="message-template">
          {m.template_id ? (
            <>
              <span className="font-mono text-xs">{m.template_id}</span>
              {m.template_version !== null ? ` · v${m.template_version}` : null}
            </>
          ) : null}
        </Fact>
        {m.campaign_id ? (
          <Fact label="Campaign">
            <span className="font-mono text-xs">{m.campaign_id}</span>
          </Fact>
        ) : null}
        <Fact label="Provider" testId="message-provider">
          {m.provider_type}
        </Fact>
        <Fact label="Provider message id" testId="message-provider-message-id">
          {m.provider_message_id ? <span className="font-mono text-xs">{m.provider_message_id}</span> : null}
        </Fact>
        {sms ? (
          <>
            <Fact label="Segments" testId="message-segments">
              {m.segments}
            </Fact>
            <Fact label="Encoding" testId="message-encoding">
              {m.encoding}
            </Fact>
          </>
        ) : null}
        <Fact label="Estimated cost" testId="message-estimated-cost">
          {m.estimated_cost === null ? null : formatCost(m.estimated_cost, m.currency)}
        </Fact>
        <Fact label="Actual cost" testId="message-cost">
          {m.cost === null ? null : formatCost(m.cost, m.currency)}
        </Fact>
      </dl>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-4 border-t border-slate-100 pt-4 sm:grid-cols-3">
        <Fact label="Created">{formatTime(m.created_at)}</Fact>
        <Fact label="Scheduled for">{m.scheduled_at ? formatTime(m.scheduled_at) : null}</Fact>
        <Fact label="Sent">{m.sent_at ? formatTime(m.sent_at) : null}</Fact>
        <Fact label="Delivered">{m.delivered_at ? formatTime(m.delivered_at) : null}</Fact>
        <Fact label="Last update">{formatTime(m.updated_at)}</Fact>
      </dl>
      {hasMetadata ? (
        <div className="border-t border-slate-100 pt-4">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Metadata</p>
          <pre
            className="mt-1 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs text-slate-700"
            data-testid="message-metadata"
          >
            {prettyJson(m.metadata)}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
