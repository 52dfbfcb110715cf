"use client";

import { useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { formatMoney } from "@/lib/format/money";
import { firstSmsProvider, type ProviderItem, smsProviderQueries } from "@/lib/queries/templates";
import {
  countSegments,
  MAX_SMS_CHARACTERS,
  nonGsmCharacters,
  replaceWithGsm,
} from "@/lib/services/sms/segments";
import { TextAreaField } from "./fields";

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;

export function SmsBodyField({
  value,
  onChange,
  error,
  hasVariables,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hasVariables: boolean;
}) {
  const providers = useQuery(smsProviderQueries.list());
  const provider = providers.data ? firstSmsProvider(providers.data.data) : undefined;

  return (
    <TextAreaField
      label="Body"
      name="body"
      rows={6}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      placeholder="Hi {{name}}, your code is {{code}}"
      data-testid="template-body"
    >
      <SegmentCounter text={value} provider={provider} hasVariables={hasVariables} />
      <GsmNotice text={value} onReplace={() => onChange(replaceWithGsm(value))} />
    </TextAreaField>
  );
}

export function SegmentCounter({
  text,
  provider,
  hasVariables,
}: {
  text: string;
  provider?: ProviderItem;
  hasVariables: boolean;
}) {
  // Computed on every render, i.e. every keystroke: the calculator is synchronous and cheap.
  const { encoding, segments, characters } = countSegments(text);
  const tooLong = characters > MAX_SMS_CHARACTERS;
  return (
    <div className="mt-1.5 space-y-1">
      <p className="text-xs text-slate-600" data-testid="segment-counter" aria-live="polite">
        <span
          data-testid="segment-encoding"
          className={`font-semibold ${encoding === "UCS-2" ? "text-amber-700" : "text-slate-700"}`}
        >
          {encoding}
        </span>
        {" · "}
        <span data-testid="segment-count">{plural(segments, "segment")}</span>
        {" · "}
        <span data-testid="character-count">{plural(characters, "character")}</span>
        {hasVariables ? <span className="text-slate-500"> before variables</span> : null}
        {provider ? (
          <span
            title={`${formatMoney(provider.cost_per_unit, provider.currency)} per segment via ${provider.name}`}
          >
            {" · est. "}
            <span data-testid="segment-cost">
              {formatMoney(segments * provider.cost_per_unit, provider.currency)}
            </span>
          </span>
        ) : null}
      </p>
      {tooLong ? (
        <p className="text-xs font-medium text-rose-600" role="alert" data-testid="sms-too-long">
          {characters.toLocaleString()} characters is over the {MAX_SMS_CHARACTERS.toLocaleString()}-character
          limit: sends will be refused.
        </p>
      ) : null}
    </div>
  );
}

function GsmNotice({ text, onReplace }: { text: string; onReplace: () => void }) {
  const found = nonGsmCharacters(text);
  if (found.length === 0) return null;
  const replaceable = unique(found.filter((f) => f.suggestion !== null));
  const kept = unique(found.filter((f) => f.suggestion === null));
  return (
    <div
      className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-amber-200"
      data-testid="gsm-notice"
    >
      <p>
        These characters make the message UCS-2 (70 characters per segment instead of 160), which can double
        its cost:
      </p>
      {replaceable.length > 0 ? (
        <>
          <ul className="mt-1 flex flex-wrap gap-1.5" data-testid="gsm-replaceable">
            {replaceable.map((f) => (
              <li key={f.char} className="rounded bg-white px-1.5 py-0.5 font-mono ring-1 ring-amber-200">
                {f.char} → {f.suggestion === "" ? "(removed)" : f.suggestion}
              </li>
            ))}
          </ul>
          <Button
            variant="secondary"
            size="sm"
            className="mt-2"
            onClick={onReplace}
            data-testid="replace-gsm"
          >
            Replace with GSM characters
          </Button>
        </>
      ) : null}
      {kept.length > 0 ? (
        <p className="mt-1.5" data-testid="gsm-unreplaceable">
          No GSM-7 equivalent for {kept.map((f) => f.char).join(" ")} — remove{" "}
          {kept.length === 1 ? "it" : "them"} to send as GSM-7.
        </p>
      ) : null}
    </div>
  );
}

function unique<T extends { char: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.char, i])).values()];
}
