import { defineFunction } from "@/inngest/define";
import { events } from "@/inngest/events";
import { failImport, runImport } from "@/lib/services/contacts/import";

/**
 * Processes an uploaded contacts CSV. One step: a retry after a crash or an
 * error re-runs the import from its first record with idempotent upserts and
 * recomputed counters, so nothing is counted or created twice.
 */
export const importContacts = defineFunction({
  id: "contacts-import",
  trigger: { event: "contacts/import.requested", schema: events["contacts/import.requested"] },
  retries: 3,
  concurrency: 2,
  async handler({ event, step }) {
    return step.run("import", () => runImport(event.data.importId));
  },
  async onFailure({ event, error }) {
    await failImport(event.data.importId, error.message);
  },
});
