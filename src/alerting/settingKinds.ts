import * as z from 'zod/mini';
import '../shared/zod';
import { credentialsInUrl } from '../shared/urls';
import { isValidDuration } from './duration';
import { SEVERITIES } from './types';

/**
 * The kinds of value alerting settings take, each with its check: the shared settings
 * (config.ts) and each collector's section (rules/<kind>.ts) build on these.
 */

export const duration = z
  .string()
  .check(
    z.refine(isValidDuration, 'must be a Prometheus duration, e.g. 30s, 5m, 1h30m (units d h m s)'),
  );
export const severity = z.enum(SEVERITIES);
export type SeverityLevel = (typeof SEVERITIES)[number];
export const ratio = z.number().check(z.gte(0), z.lte(1));
export const count = z.number().check(z.gte(0));
export const text = z.string().check(z.minLength(1));
export const url = z.string().check(
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an absolute http:// or https:// URL',
  }),
  // Written into the rules, the Alertmanager configuration, the template and the export.
  z.refine((value) => !URL.canParse(value) || credentialsInUrl(new URL(value)) === undefined, {
    message:
      'holds a credential (a user or password, or a parameter named like a token or key): it would be written into the exported configuration and the template; a webhook token goes in tokenFile',
  }),
);
