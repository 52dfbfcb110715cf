import type { Executor } from "@/lib/db";
import type { Provider, ProviderCircuit } from "@/lib/db/schema";
import { acquireCircuit, recordCircuitFailure, recordCircuitSuccess } from "@/lib/services/providers/circuit";
import { releaseDailySends, reserveDailySends } from "@/lib/services/providers/usage";

/** Leave to try a provider: `trial` when this message is the half-open circuit's one trial. */
export interface Pass {
  trial: boolean;
  /** The message did not get to call the provider (daily limit, permanent error). */
  leave(): void;
}

/**
 * One provider as a delivery group sees it: its circuit, read once for the
 * group and kept in step with the shared provider_circuits row; the group's
 * daily-limit reservation; and its in-flight bound. Circuit semantics are those
 * of lib/services/providers/circuit.ts: a closed circuit is used freely, an open
 * one gets exactly one half-open trial across all instances once its reset
 * timeout has passed, and failures count consecutively.
 */
export class Lane {
  private state: "closed" | "unknown" | "trial" | "open";
  /** The shared row has failures counted since the last success, so a success must be written at once. */
  private dirty: boolean;
  private successPending = false;
  private reserved = 0;
  private taken = 0;
  private exhausted = false;
  private reserving: Promise<void> | null = null;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Executor,
    readonly provider: Provider,
    private readonly circuit: ProviderCircuit | null,
  ) {
    this.state = !circuit || circuit.state === "closed" ? "closed" : "unknown";
    this.dirty = (circuit?.failureCount ?? 0) > 0;
    const limit = (provider.config as Record<string, unknown> | null)?.max_in_flight;
    this.maxInFlight = typeof limit === "number" && limit >= 1 ? Math.floor(limit) : Number.POSITIVE_INFINITY;
  }

  /** Whether the circuit was closed when the group read it. */
  get closed(): boolean {
    return this.state === "closed";
  }

  /** May this message try the provider now? Null when its circuit is open (or its one trial is taken). */
  async enter(): Promise<Pass | null> {
    if (this.state === "closed") return { trial: false, leave() {} };
    if (this.state !== "unknown") return null;
    this.state = "trial";
    if (!(await acquireCircuit(this.db, this.provider, new Date(), this.circuit))) {
      this.state = "open";
      return null;
    }
    return {
      trial: true,
      leave: () => {
        if (this.state === "trial") this.state = "open";
      },
    };
  }

  /** Reserves daily-limit capacity for up to `n` more sends (one conditional UPDATE). */
  async reserve(n: number): Promise<void> {
    while (this.reserving) await this.reserving;
    if (this.exhausted || this.reserved - this.taken >= n) return;
    const want = n - (this.reserved - this.taken);
    this.reserving = reserveDailySends(this.db, this.provider, want).then((granted) => {
      this.reserved += granted;
      if (granted < want) this.exhausted = true;
    });
    try {
      await this.reserving;
    } finally {
      this.reserving = null;
    }
  }

  /** Takes one unit of the reservation, reserving for up to `remaining` messages when none is left; false at the limit. */
  async take(remaining: number): Promise<boolean> {
    while (this.reserved - this.taken <= 0) {
      if (this.exhausted) return false;
      await this.reserve(Math.max(1, remaining));
    }
    this.taken++;
    return true;
  }

  /** The send failed: its unit goes back to the group's reservation (a failed send does not count). */
  giveBack(): void {
    this.taken--;
  }

  /** Calls the provider within its in-flight bound. */
  async call<R>(fn: () => Promise<R>): Promise<R> {
    while (this.inFlight >= this.maxInFlight) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  /** A success closes the circuit; on a clean closed circuit it is written once, when the group settles. */
  async succeeded(pass: Pass): Promise<void> {
    if (pass.trial || this.dirty || this.state !== "closed") {
      this.dirty = false;
      this.successPending = false;
      this.state = "closed";
      await recordCircuitSuccess(this.db, this.provider.id);
      return;
    }
    this.successPending = true;
  }

  /** A failure that may succeed elsewhere counts against the circuit at once (it may open it for the rest of the group). */
  async failed(pass: Pass, error: string): Promise<void> {
    this.dirty = true;
    this.successPending = false;
    const state = await recordCircuitFailure(this.db, this.provider, error);
    if (state === "open" || pass.trial) this.state = "open";
  }

  /** Writes a pending success and gives back the reservation the group did not use. */
  async settle(tx: Executor): Promise<void> {
    if (this.successPending && !this.dirty) await recordCircuitSuccess(tx, this.provider.id);
    await releaseDailySends(tx, this.provider.id, this.reserved - this.taken);
  }
}
