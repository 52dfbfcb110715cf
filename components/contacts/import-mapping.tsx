"use client";

import { type ColumnChoice, type CsvPreview, TARGET_LABELS, TARGET_OPTIONS } from "./csv-preview";

const cellText = (v: string | undefined) => {
  const t = (v ?? "").trim();
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
};

/** One row per column of the file: its first values and what to import it as. */
export function ColumnMappingTable({
  preview,
  choices,
  onChange,
}: {
  preview: CsvPreview;
  choices: Record<string, ColumnChoice>;
  onChange: (column: string, choice: ColumnChoice) => void;
}) {
  const columns = preview.header.map((name, i) => ({ name, i })).filter((c) => c.name !== "");
  return (
    <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200" data-testid="import-mapping">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50">
          <tr>
            {["Column", "First values", "Import as"].map((h) => (
              <th
                key={h}
                scope="col"
                className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {columns.map(({ name, i }) => {
            const choice = choices[name] ?? { target: "attribute", attribute: name };
            const samples = preview.rows.map((r) => cellText(r[i])).filter(Boolean);
            return (
              <tr key={`${i}-${name}`} data-testid={`import-map-row-${i}`}>
                <th scope="row" className="px-3 py-2 text-left font-medium text-slate-900">
                  {name}
                </th>
                <td className="max-w-48 truncate px-3 py-2 text-xs text-slate-500" title={samples.join(", ")}>
                  {samples.join(", ") || "—"}
                </td>
                <td className="px-3 py-2">
                  <div className="flex flex-wrap items-center gap-2">
                    <select
                      aria-label={`Import "${name}" as`}
                      value={choice.target}
                      onChange={(e) =>
                        onChange(name, { ...choice, target: e.target.value as ColumnChoice["target"] })
                      }
                      className="rounded-md border-0 py-1.5 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300"
                      data-testid={`import-map-${i}`}
                    >
                      {TARGET_OPTIONS.map((t) => (
                        <option key={t} value={t}>
                          {TARGET_LABELS[t]}
                        </option>
                      ))}
                    </select>
                    {choice.target === "attribute" ? (
                      <input
                        aria-label={`Attribute name for "${name}"`}
                        value={choice.attribute}
                        onChange={(e) => onChange(name, { ...choice, attribute: e.target.value })}
                        maxLength={100}
                        className="w-32 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-inset ring-slate-300"
                        data-testid={`import-map-attr-${i}`}
                      />
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The file's first rows as they are, each header labelled with its chosen target. */
export function RowsPreview({
  preview,
  choices,
}: {
  preview: CsvPreview;
  choices: Record<string, ColumnChoice>;
}) {
  const label = (name: string) => {
    const c = choices[name];
    if (!c || name === "") return "ignored";
    if (c.target === "attribute") return `attribute ${c.attribute.trim() || name}`;
    return TARGET_LABELS[c.target].toLowerCase();
  };
  // A column is its place in the header (names may repeat or be blank).
  const columns = preview.header.map((name, i) => ({ name, i, key: `${i}:${name}` }));
  return (
    <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200" data-testid="import-preview">
      <table className="min-w-full divide-y divide-slate-200 text-xs">
        <thead className="bg-slate-50">
          <tr>
            {columns.map(({ name, key }) => (
              <th key={key} scope="col" className="px-3 py-2 text-left font-semibold text-slate-700">
                <span className="block whitespace-nowrap">{name || "(no name)"}</span>
                <span className="block whitespace-nowrap font-normal text-indigo-700">→ {label(name)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {preview.rows.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no identity but their place
            <tr key={r} data-testid="import-preview-row">
              {columns.map(({ name, i, key }) => (
                <td
                  key={key}
                  className={`whitespace-nowrap px-3 py-1.5 ${choices[name]?.target === "ignore" ? "text-slate-300 line-through" : "text-slate-700"}`}
                >
                  {cellText(row[i])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
