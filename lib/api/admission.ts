import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";

// Load shedding for /api/v1: at most API_MAX_IN_FLIGHT requests are worked on at
// once per process; the next ones wait in line up to API_QUEUE_MS, and a request
// that would wait longer (or find the line full) is answered 503 with
// Retry-After at once instead of being held for seconds.
interface Waiter {
  resolve: (release: () => void) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let inFlight = 0;
const line: Waiter[] = [];

function overloaded(): AppError {
  return AppError.overloaded(1);
}

function release(): void {
  const next = line.shift();
  if (next) {
    clearTimeout(next.timer);
    next.resolve(once());
    return;
  }
  inFlight--;
}

function once(): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

/** Waits for a slot; resolves with the function that gives it back, or throws overloaded (503). */
export function admit(): Promise<() => void> {
  const { apiMaxInFlight, apiQueueMs } = config();
  if (inFlight < apiMaxInFlight) {
    inFlight++;
    return Promise.resolve(once());
  }
  if (line.length >= apiMaxInFlight * 4) return Promise.reject(overloaded());
  return new Promise((resolve, reject) => {
    const waiter: Waiter = {
      resolve,
      reject,
      timer: setTimeout(() => {
        const i = line.indexOf(waiter);
        if (i >= 0) line.splice(i, 1);
        reject(overloaded());
      }, apiQueueMs),
    };
    line.push(waiter);
  });
}

/** Requests being worked on and waiting, for /api/health and tests. */
export function admissionState(): { in_flight: number; waiting: number } {
  return { in_flight: inFlight, waiting: line.length };
}
