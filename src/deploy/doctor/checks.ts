import { CollectorError } from '../../shared/errors';
import { type Deadline, deadlineIn } from '../../shared/deadline';

/** One thing the doctor checks: what it is, and how (throwing what is wrong, with a hint). */
export interface DoctorCheck {
  /** What is checked, as its line names it: "secret retail-edgegrid (API client retail)". */
  subject: string;
  /** What was found when all is well ("EdgeGrid credentials, every field"). */
  run(deadline: Deadline): Promise<string>;
  /** Checks of one thing (a secret several functions read) run once, by this key. */
  key?: string;
}

/** The check of one secret: `read` reads and shapes it as the function that uses it does. */
export function secretCheck(
  id: string,
  whose: string,
  read: (deadline: Deadline) => Promise<string>,
): DoctorCheck {
  return { subject: `secret ${id} (${whose})`, key: `secret ${id}`, run: read };
}

/** The checks, each thing checked once (the first check of a key stays). */
export function once(checks: readonly DoctorCheck[]): DoctorCheck[] {
  const seen = new Set<string>();
  return checks.filter((check) => {
    if (check.key === undefined) return true;
    if (seen.has(check.key)) return false;
    seen.add(check.key);
    return true;
  });
}

/** A check that could not run here, and why (no file given, no tool installed). */
export class SkippedCheck extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'SkippedCheck';
  }
}

export type CheckOutcome =
  | { status: 'ok'; subject: string; detail: string }
  | { status: 'failed' | 'skipped'; subject: string; detail: string; fix: string };

/** How long one check may take: a sink or API that does not answer in it is a failure. */
const CHECK_TIMEOUT_MS = 15_000;

/** Run each check in turn (one request at a time: the Akamai budget is shared). */
export async function runChecks(
  checks: readonly DoctorCheck[],
  onOutcome: (outcome: CheckOutcome) => void,
): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    let outcome: CheckOutcome;
    try {
      outcome = {
        status: 'ok',
        subject: check.subject,
        detail: await check.run(deadlineIn(CHECK_TIMEOUT_MS)),
      };
    } catch (error) {
      outcome = {
        status: error instanceof SkippedCheck ? 'skipped' : 'failed',
        subject: check.subject,
        detail: error instanceof Error ? error.message : String(error),
        fix: hintOf(error),
      };
    }
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  return outcomes;
}

function hintOf(error: unknown): string {
  if (error instanceof SkippedCheck) return error.hint;
  if (error instanceof CollectorError && error.hint) return error.hint;
  return 'see the message above';
}

/** One line per check, ✓ ✗ or –, the fix under a failure. */
export function formatOutcome(outcome: CheckOutcome): string {
  const mark = { ok: '✓', failed: '✗', skipped: '–' }[outcome.status];
  const line = `${mark} ${outcome.subject}: ${outcome.detail}`;
  return outcome.status === 'ok' ? line : `${line}\n    fix: ${outcome.fix}`;
}
