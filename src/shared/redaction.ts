/**
 * The credentials of this process, never to be printed: every log line, every error thrown to
 * the runtime (which logs it, and whose failure destination keeps it for days) and every
 * excerpt of an answer is scrubbed of them. A credential is registered as read, with the forms
 * it takes in transit: a quoted JSON string escapes `"` and `\`, a URL percent-encodes, and a
 * header carries base64.
 */
const secrets = new Set<string>();

export const REDACTED = '[REDACTED]';

/** Never print this credential (a password, a token, a key), in any of its encoded forms. */
export function redact(secret: string | undefined): void {
  if (!secret) return;
  for (const form of encodedForms(secret)) if (form) secrets.add(form);
}

function encodedForms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    base64,
    // As a header value may be wrapped or padded: the form without its padding too.
    base64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
}

/** The text with every registered credential replaced, the longest forms first. */
export function scrubSecrets(text: string): string {
  if (secrets.size === 0 || text === '') return text;
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * At most `max` characters of an answer's text, scrubbed first: a cut made before the scrub
 * would leave half a credential that starts near the cut unrecognised.
 */
export function scrubbedExcerpt(text: string, max: number): string {
  const longest = Math.max(0, ...[...secrets].map((s) => s.length));
  return scrubSecrets(text.slice(0, max + longest)).slice(0, max);
}

/**
 * Scrub an error before it leaves the function: its message, stack and hint, what it carries
 * (a run's summary), and the same of its causes. The runtime prints what a handler throws, and
 * the failure destination keeps it.
 */
export function scrubError<E>(error: E): E {
  if (secrets.size === 0) return error;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    const fields = current as Error & { hint?: unknown };
    fields.message = scrubSecrets(fields.message);
    if (fields.stack) fields.stack = scrubSecrets(fields.stack);
    for (const key of Object.keys(fields)) {
      const value = (fields as unknown as Record<string, unknown>)[key];
      if (key !== 'cause') scrubInPlace(fields, key, value, 0);
    }
    current = fields.cause;
  }
  return error;
}

/** Replace `owner[key]` by its scrubbed self: strings, and the strings of plain data in it. */
function scrubInPlace(owner: object, key: string, value: unknown, depth: number): void {
  if (typeof value === 'string') {
    const scrubbed = scrubSecrets(value);
    if (scrubbed === value) return;
    try {
      Object.defineProperty(owner, key, { value: scrubbed });
    } catch {
      // A frozen value cannot be rewritten; the message and stack above still are.
    }
    return;
  }
  if (depth >= 6 || typeof value !== 'object' || value === null || value instanceof Error) return;
  for (const [inner, innerValue] of Object.entries(value))
    scrubInPlace(value, inner, innerValue, depth + 1);
}

/** For tests: forget every registered credential. */
export function forgetSecretsForTests(): void {
  secrets.clear();
}
