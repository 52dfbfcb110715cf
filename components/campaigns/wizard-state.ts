import type { AudiencePreviewBody, CampaignChannel } from "@/lib/queries/campaigns";

export type FilterOp = "eq" | "neq" | "exists" | "in";

export interface FilterRow {
  /** Stable React key; rows are added and removed in any order. */
  key: number;
  field: string;
  op: FilterOp;
  value: string;
}

export type AbMetric = "opens" | "clicks" | "delivered" | "manual";

export interface VariantRow {
  /** Stable React key. */
  key: number;
  name: string;
  templateId: string;
}

export interface WizardState {
  name: string;
  channel: CampaignChannel;
  category: string;
  templateId: string;
  listIds: string[];
  filters: FilterRow[];
  when: "now" | "later";
  /** The datetime-local input's value (YYYY-MM-DDTHH:mm). */
  sendAt: string;
  localTime: boolean;
  throttle: string;
  /** A/B test: variants replace the single template. */
  abEnabled: boolean;
  variants: VariantRow[];
  testPercent: string;
  metric: AbMetric;
  waitMinutes: string;
}

export type SetField = <K extends keyof WizardState>(key: K, value: WizardState[K]) => void;

export const EMPTY_WIZARD: WizardState = {
  name: "",
  channel: "email",
  category: "marketing",
  templateId: "",
  listIds: [],
  filters: [],
  when: "now",
  sendAt: "",
  localTime: false,
  throttle: "",
  abEnabled: false,
  variants: [
    { key: 1, name: "A", templateId: "" },
    { key: 2, name: "B", templateId: "" },
  ],
  testPercent: "20",
  metric: "clicks",
  waitMinutes: "60",
};

export const STEPS = ["Basics", "Content", "Audience", "Schedule"] as const;
export type StepIndex = 0 | 1 | 2 | 3;

export const FILTER_OPS: { value: FilterOp; label: string }[] = [
  { value: "eq", label: "equals" },
  { value: "neq", label: "does not equal" },
  { value: "in", label: "is one of (comma-separated)" },
  { value: "exists", label: "is set" },
];

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The step that owns a field of the campaign payload, so an error can send the user back to it. */
export function stepOfField(field: string): StepIndex {
  const root = field.split(".")[0] ?? "";
  if (root === "name" || root === "channel" || root === "category") return 0;
  if (root === "template_id" || root === "variants" || root === "ab_test") return 1;
  if (root === "audience") return 2;
  return 3;
}

export function firstStepWithError(errors: Record<string, string>): StepIndex | null {
  const steps = Object.keys(errors).map(stepOfField);
  return steps.length ? (Math.min(...steps) as StepIndex) : null;
}

function filterValue(row: FilterRow): unknown {
  if (row.op === "exists") return undefined;
  if (row.op === "in")
    return row.value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
  return row.value;
}

/** Rows the user has started; a row left completely blank is ignored rather than reported. */
function startedRows(rows: FilterRow[]): FilterRow[] {
  return rows.filter((r) => r.field.trim() !== "" || r.value.trim() !== "");
}

export function audienceOf(state: WizardState, { completeOnly = false } = {}) {
  const rows = startedRows(state.filters).filter((r) => !completeOnly || ATTRIBUTE_NAME.test(r.field.trim()));
  return {
    list_ids: state.listIds,
    filter: rows.length
      ? { all: rows.map((r) => ({ field: r.field.trim(), op: r.op, value: filterValue(r) })) }
      : null,
  };
}

/** The preview request for the live count, or null while nothing is selected (every contact is not an audience). */
export function previewBody(state: WizardState): AudiencePreviewBody | null {
  const audience = audienceOf(state, { completeOnly: true });
  if (audience.list_ids.length === 0 && !audience.filter) return null;
  const sendAt = state.when === "later" ? localInputToIso(state.sendAt, state.localTime) : null;
  return {
    channel: state.channel,
    audience,
    category: state.category,
    ...(state.templateId ? { template_id: state.templateId } : {}),
    ...(sendAt ? { send_at: sendAt, local_time: state.localTime } : {}),
  };
}

const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");

/**
 * A datetime-local value as an ISO 8601 date-time with an offset. Normally the
 * time is the browser's own wall clock, sent with its offset at that instant;
 * for a campaign in each recipient's time zone the server reads the date, hour
 * and minute in UTC as a wall-clock time, so the value is sent as such with Z.
 */
export function localInputToIso(value: string, wallClock: boolean): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return null;
  const [, date, hh, mm, ss = "00"] = m;
  const local = `${date}T${hh}:${mm}:${ss}`;
  if (wallClock) return `${local}Z`;
  const at = new Date(local);
  if (Number.isNaN(at.getTime())) return null;
  const offset = -at.getTimezoneOffset();
  return `${local}${offset >= 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** The POST /campaigns body for the wizard's state, before validation. */
export function buildPayload(state: WizardState) {
  const later = state.when === "later";
  const throttle = state.throttle.trim();
  return {
    name: state.name,
    channel: state.channel,
    template_id: state.templateId,
    category: state.category,
    audience: audienceOf(state),
    send_at: later ? localInputToIso(state.sendAt, state.localTime) : null,
    local_time: later && state.localTime,
    throttle_per_minute: throttle === "" ? null : Number(throttle),
    ...(state.abEnabled ? abPayload(state) : {}),
  };
}

const numberOrRaw = (v: string) => (v.trim() === "" || Number.isNaN(Number(v)) ? v : Number(v));

/** The variants and ab_test of the payload; template_id becomes the first variant's. */
function abPayload(state: WizardState) {
  const wait = state.waitMinutes.trim();
  return {
    template_id: state.variants[0]?.templateId ?? "",
    variants: state.variants.map((v) => ({ name: v.name.trim(), template_id: v.templateId })),
    ab_test: {
      test_percent: numberOrRaw(state.testPercent),
      metric: state.metric,
      ...(state.metric === "manual" && wait === "" ? {} : { wait_minutes: numberOrRaw(wait) }),
    },
  };
}

const METRIC_WORDS: Record<AbMetric, string> = {
  opens: "opens",
  clicks: "clicks",
  delivered: "deliveries",
  manual: "",
};

const pct = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)} %`;

/** "10 % test: 5 % A, 5 % B; 90 % wait for the winner after 60 min by clicks" — or null while incomplete. */
export function describeSplit(state: WizardState): string | null {
  const p = Number(state.testPercent);
  if (!state.abEnabled || !Number.isFinite(p) || p <= 0 || p >= 100) return null;
  const share = p / state.variants.length;
  const arms = state.variants.map((v) => `${pct(share)} ${v.name.trim() || "?"}`).join(", ");
  const rest = `${pct(100 - p)} wait for the winner`;
  const wait = state.waitMinutes.trim();
  const tail =
    state.metric === "manual"
      ? `${rest} you pick${wait ? ` (or after ${wait} min)` : ""}`
      : `${rest} after ${wait || "?"} min by ${METRIC_WORDS[state.metric]}`;
  return `${pct(p)} test: ${arms}; ${tail}`;
}

/** Checks the schema cannot make with the wizard's wording: an empty pick is "missing", not "malformed". */
export function wizardErrors(state: WizardState): Record<string, string> {
  const errors: Record<string, string> = {};
  if (state.abEnabled) {
    state.variants.forEach((v, i) => {
      if (!v.name.trim()) errors[`variants.${i}.name`] = "Name this variant";
      if (!v.templateId) errors[`variants.${i}.template_id`] = "Choose a template for this variant";
    });
    if (state.testPercent.trim() === "") errors["ab_test.test_percent"] = "Enter the share to test, 1 to 99";
    if (state.metric !== "manual" && state.waitMinutes.trim() === "")
      errors["ab_test.wait_minutes"] = "Enter how many minutes to wait before choosing";
  } else if (!state.templateId) errors.template_id = "Choose a template";
  if (state.when === "later" && !state.sendAt) errors.send_at = "Choose a date and time, or send now";
  startedRows(state.filters).forEach((r, i) => {
    if (!r.field.trim()) errors[`audience.filter.all.${i}.field`] = "Name the attribute";
    else if (r.op !== "exists" && !r.value.trim()) errors[`audience.filter.all.${i}.value`] = "Enter a value";
  });
  return errors;
}

/** Index of a row among the started rows (the payload's filter index), or -1 for a blank row. */
export function payloadIndex(rows: FilterRow[], key: number): number {
  return startedRows(rows).findIndex((r) => r.key === key);
}

export function describeFilter(row: { field: string; op: string; value?: unknown }): string {
  const value = Array.isArray(row.value) ? row.value.join(", ") : String(row.value ?? "");
  switch (row.op) {
    case "exists":
      return `${row.field} is set`;
    case "neq":
      return `${row.field} ≠ ${value}`;
    case "in":
      return `${row.field} is one of ${value}`;
    default:
      return `${row.field} = ${value}`;
  }
}
