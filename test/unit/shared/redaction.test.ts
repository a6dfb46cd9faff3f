import { CollectorError } from '../../../src/shared/errors';
import { createLogger } from '../../../src/shared/logger';
import {
  forgetSecretsForTests,
  redact,
  scrubbedExcerpt,
  scrubError,
  scrubSecrets,
} from '../../../src/shared/redaction';

/** What the logger itself writes for these fields. */
function logged(fields: Record<string, unknown>, message = 'a line'): string {
  const lines: string[] = [];
  createLogger({ write: (line) => lines.push(line) }).info(message, fields);
  return lines.join('');
}

const SECRET = 'pa"ss\\word-7f3a';

describe('credentials never printed', () => {
  beforeEach(() => {
    forgetSecretsForTests();
    redact(SECRET);
  });

  it.each([
    ['as it is', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
  ])('leaves the logger %s in no field, message or error', (_form, form) => {
    const line = logged(
      {
        field: `x ${form} y`,
        nested: { deep: [form] },
        error: new CollectorError(`refused ${form}`, { hint: `try ${form}` }),
      },
      `message ${form}`,
    );
    expect(line).toContain('[REDACTED]');
    expect(line).not.toContain(form);
    expect(line).not.toContain(SECRET);
    // Still a JSON line with every field.
    expect(Object.keys(JSON.parse(line) as object)).toEqual(
      expect.arrayContaining(['field', 'nested', 'error', 'message']),
    );
  });

  it('redacts a short credential too, and nothing that is not one', () => {
    redact('abc');
    expect(scrubSecrets('xabcx')).toBe('x[REDACTED]x');
    expect(scrubSecrets('pushgate-collector')).toBe('pushgate-collector');
  });

  it('cuts an excerpt after scrubbing, so a credential at the cut leaves no half behind', () => {
    const body = `${'.'.repeat(195)}${SECRET} and more`;
    const excerpt = scrubbedExcerpt(body, 200);
    expect(excerpt).toHaveLength(200);
    expect(excerpt).not.toContain(SECRET.slice(0, 10));
    expect(excerpt.endsWith('[REDA')).toBe(true);
  });

  it('scrubs an error thrown to the runtime: message, stack, hint, what it carries, its causes', () => {
    const cause = new Error(`echoed authorization=Basic ${Buffer.from(SECRET).toString('base64')}`);
    const error = Object.assign(
      new CollectorError(`push failed: ${SECRET}`, { hint: `check ${SECRET}`, cause }),
      { summary: { failures: [`group: ${SECRET}`] } },
    );
    const scrubbed = scrubError(error);
    const everything = [
      scrubbed.message,
      scrubbed.stack,
      scrubbed.hint,
      JSON.stringify(scrubbed),
      cause.message,
      cause.stack,
    ].join('\n');
    expect(everything).toContain('[REDACTED]');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(Buffer.from(SECRET).toString('base64'));
  });
});
