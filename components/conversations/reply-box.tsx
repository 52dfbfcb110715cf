"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { SegmentCounter } from "@/components/messages/compose-fields";
import { Button } from "@/components/ui/button";
import { conversationQueries } from "@/lib/queries/conversations";
import { ApiError, api } from "@/lib/queries/fetcher";
import { type MessageItem, messageQueries, outboxQueries } from "@/lib/queries/messages";
import { OPTED_OUT_MESSAGE } from "./format";

/** What to say under the box for a failed send: the opt-out in plain words, else the API's field errors. */
function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  if (e.code === "opted_out") return OPTED_OUT_MESSAGE;
  const parts: string[] = [];
  if (e.fields.message) parts.push(`Message ${e.fields.message}`);
  if (e.fields.to) parts.push(`Number ${e.fields.to}`);
  for (const [field, message] of Object.entries(e.fields)) {
    if (field !== "message" && field !== "to") parts.push(`${field} ${message}`);
  }
  return parts.length ? parts.join(". ") : e.message;
}

export function ReplyBox({ number, optedOut }: { number: string; optedOut: boolean }) {
  const id = useId();
  const qc = useQueryClient();
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);

  const mutation = useMutation({
    mutationFn: (message: string) =>
      api<MessageItem>("/sms/send", { method: "POST", body: { to: number, message } }),
    onSuccess: () => {
      setBody("");
      setError(null);
      qc.invalidateQueries({ queryKey: conversationQueries.all });
      qc.invalidateQueries({ queryKey: messageQueries.all });
      qc.invalidateQueries({ queryKey: outboxQueries.all });
    },
    onError: (e) => setError(errorText(e)),
  });

  function submit(e?: FormEvent<HTMLFormElement>) {
    e?.preventDefault();
    if (mutation.isPending) return;
    if (!body.trim()) return setError("Message must not be empty");
    setError(null);
    mutation.mutate(body);
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      className="border-t border-slate-200 bg-white p-3"
      data-testid="reply-form"
    >
      <label htmlFor={id} className="sr-only">
        Reply to {number}
      </label>
      <div className="flex items-end gap-2">
        <textarea
          id={id}
          name="message"
          rows={2}
          value={body}
          placeholder={`Reply to ${number}…`}
          onChange={(e) => {
            setBody(e.target.value);
            if (error) setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
              e.preventDefault();
              submit();
            }
          }}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
          className={`block w-full resize-y rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 ${
            error ? "ring-rose-400" : "ring-slate-300"
          }`}
          data-testid="reply-body"
        />
        <Button type="submit" disabled={mutation.isPending} data-testid="reply-send">
          {mutation.isPending ? "Sending…" : "Send"}
        </Button>
      </div>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-rose-600" role="alert" data-testid="reply-error">
          {error}
        </p>
      ) : null}
      <div id={`${id}-hint`} className="mt-1 flex flex-wrap justify-between gap-2 text-xs text-slate-500">
        <SegmentCounter text={body} />
        {optedOut && !error ? (
          <span className="text-amber-700" data-testid="reply-opted-out-hint">
            {OPTED_OUT_MESSAGE}: replies are refused until it sends START.
          </span>
        ) : (
          <span>Ctrl+Enter to send</span>
        )}
      </div>
    </form>
  );
}
