import { Inngest } from "inngest";

/** The one Inngest client. Events are typed per domain as functions are added. */
export const inngest = new Inngest({ id: "switchboard" });
