const EXAMPLE = `// npm install standardwebhooks express
import express from "express";
import { Webhook } from "standardwebhooks";

const wh = new Webhook(process.env.SWITCHBOARD_WEBHOOK_SECRET); // whsec_…
const app = express();

app.post("/switchboard", express.text({ type: "application/json" }), (req, res) => {
  let event;
  try {
    event = wh.verify(req.body, req.headers); // checks webhook-id, -timestamp, -signature
  } catch {
    return res.status(400).send("bad signature");
  }
  // The same webhook-id can arrive twice (retries): ignore ids you have seen.
  // data.sequence grows per message: drop an event older than the last you applied.
  console.log(event.type, event.data);
  res.status(204).end();
});

app.listen(3001);`;

/** A short receiver, verifying deliveries with the Standard Webhooks library. */
export function ReceiverExample() {
  return (
    <details className="rounded-md border border-slate-200 bg-white p-4" data-testid="receiver-example">
      <summary className="cursor-pointer text-sm font-medium text-slate-800">
        Receiving events: a Node example
      </summary>
      <p className="mt-2 text-sm text-slate-600">
        Deliveries follow the Standard Webhooks specification. Answer any 2xx within 15 seconds; anything else
        is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. A 410 Gone disables the endpoint.
      </p>
      <pre className="mt-3 overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
        <code>{EXAMPLE}</code>
      </pre>
    </details>
  );
}
