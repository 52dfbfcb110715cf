import { startStripeDouble } from "../tests/stripe-double";

/**
 * Starts the Stripe API double the e2e server talks to (STRIPE_API_BASE in
 * playwright.config.ts). It runs in the runner's process for the whole run;
 * the returned function is Playwright's teardown.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const double = await startStripeDouble({
    port: Number(process.env.E2E_STRIPE_PORT ?? 3199),
    secretKey: "sk_test_e2e_double",
  });
  return () => double.close();
}
