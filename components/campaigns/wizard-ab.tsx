"use client";

import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { TemplateItem } from "@/lib/queries/messages";
import {
  type AbMetric,
  describeSplit,
  type SetField,
  type VariantRow,
  type WizardState,
} from "./wizard-state";

const METRICS: { value: AbMetric; label: string }[] = [
  { value: "clicks", label: "Most clicks" },
  { value: "opens", label: "Most opens" },
  { value: "delivered", label: "Most delivered" },
  { value: "manual", label: "I pick the winner" },
];

const LETTERS = ["A", "B", "C", "D"];

/** The wizard's optional A/B test: 2–4 variants, each with its own template, and how the winner is chosen. */
export function AbTestSection({
  state,
  set,
  errors,
  templates,
}: {
  state: WizardState;
  set: SetField;
  errors: Record<string, string>;
  templates: TemplateItem[];
}) {
  const options = [
    { value: "", label: "Choose a template…" },
    ...templates.map((t) => ({ value: t.id, label: `${t.name} (v${t.version})` })),
  ];
  const update = (key: number, patch: Partial<VariantRow>) =>
    set(
      "variants",
      state.variants.map((v) => (v.key === key ? { ...v, ...patch } : v)),
    );
  function add() {
    const used = new Set(state.variants.map((v) => v.name));
    const name = LETTERS.find((l) => !used.has(l)) ?? `V${state.variants.length + 1}`;
    const key = Math.max(0, ...state.variants.map((v) => v.key)) + 1;
    set("variants", [...state.variants, { key, name, templateId: "" }]);
  }
  const split = describeSplit(state);
  return (
    <fieldset className="rounded-md p-4 ring-1 ring-slate-200" data-testid="ab-test-section">
      <legend className="px-1 text-sm font-semibold text-slate-900">A/B test</legend>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={state.abEnabled}
          onChange={(e) => set("abEnabled", e.target.checked)}
          data-testid="ab-enabled"
        />
        Test 2–4 versions on part of the audience, then send the best one to the rest
      </label>
      {state.abEnabled ? (
        <div className="mt-4 space-y-4">
          <ul className="space-y-3" data-testid="ab-variants">
            {state.variants.map((v, i) => (
              <li
                key={v.key}
                className="grid grid-cols-1 gap-2 sm:grid-cols-[8rem_1fr_auto] sm:items-start"
                data-testid={`ab-variant-${i}`}
              >
                <TextField
                  label={`Variant ${i + 1} name`}
                  name={`variants.${i}.name`}
                  value={v.name}
                  error={errors[`variants.${i}.name`]}
                  onChange={(e) => update(v.key, { name: e.target.value })}
                  autoComplete="off"
                  data-testid={`ab-variant-name-${i}`}
                />
                <SelectField
                  label={`Variant ${i + 1} template`}
                  name={`variants.${i}.template_id`}
                  options={options}
                  value={v.templateId}
                  error={errors[`variants.${i}.template_id`]}
                  onChange={(e) => update(v.key, { templateId: e.target.value })}
                  data-testid={`ab-variant-template-${i}`}
                />
                {state.variants.length > 2 ? (
                  <Button
                    variant="secondary"
                    className="sm:mt-6"
                    onClick={() =>
                      set(
                        "variants",
                        state.variants.filter((x) => x.key !== v.key),
                      )
                    }
                    data-testid={`ab-variant-remove-${i}`}
                  >
                    Remove
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          {errors.variants ? (
            <p className="text-xs text-rose-600" data-testid="error-variants">
              {errors.variants}
            </p>
          ) : null}
          {state.variants.length < 4 ? (
            <Button variant="secondary" onClick={add} data-testid="ab-variant-add">
              Add a variant
            </Button>
          ) : null}
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            <TextField
              label="Test share (%)"
              name="ab_test.test_percent"
              inputMode="numeric"
              value={state.testPercent}
              error={errors["ab_test.test_percent"]}
              hint="Split evenly across the variants."
              onChange={(e) => set("testPercent", e.target.value)}
              data-testid="ab-test-percent"
            />
            <SelectField
              label="Winner"
              name="ab_test.metric"
              options={METRICS}
              value={state.metric}
              error={errors["ab_test.metric"]}
              onChange={(e) => set("metric", e.target.value as AbMetric)}
              data-testid="ab-metric"
            />
            <TextField
              label="Wait (minutes)"
              name="ab_test.wait_minutes"
              inputMode="numeric"
              value={state.waitMinutes}
              error={errors["ab_test.wait_minutes"]}
              hint={state.metric === "manual" ? "Optional when you pick." : "Then the winner is chosen."}
              onChange={(e) => set("waitMinutes", e.target.value)}
              data-testid="ab-wait-minutes"
            />
          </div>
          {split ? (
            <p className="text-sm text-slate-600" data-testid="ab-split-preview">
              {split}
            </p>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
