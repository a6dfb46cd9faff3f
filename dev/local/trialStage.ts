import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { AkamaiClient } from '../../src/akamai/clients';
import { EXAMPLE_STAGE } from '../../src/deploy/stage';
import { ConfigurationError } from '../../src/shared/errors';
import type { ScheduledFunction } from './serverlessSchedules';

/**
 * The stage `npm start` runs: config/local.yml by default, or the user's own before deploying
 * it (`--stage NAME` reads config/NAME.yml, `--stage-config FILE` any file). Its schedules run
 * here as they would deployed, but every group goes to the local stack only, and Akamai is
 * read with this machine's credentials (or simulated): nothing of the real stage is written.
 */
export interface TrialStage {
  name: string;
  file: string;
  /** Not the example: its API clients read .edgerc sections here (withLocalCredentials). */
  own: boolean;
}

export function trialStage(
  root: string,
  options: { stage?: string | undefined; stageConfig?: string | undefined },
): TrialStage {
  const name =
    options.stage ??
    (options.stageConfig ? basename(options.stageConfig).replace(/\.ya?ml$/, '') : EXAMPLE_STAGE);
  const file = options.stageConfig
    ? resolve(options.stageConfig)
    : join(root, 'config', `${name}.yml`);
  if (!existsSync(file))
    throw new ConfigurationError(`no stage file ${file}`, {
      hint: options.stageConfig
        ? 'give --stage-config the path of a stage file'
        : `--stage ${name} reads config/${name}.yml: create it (cp config/prod.example.yml config/${name}.yml), or give --stage-config FILE`,
    });
  return { name, file, own: name !== EXAMPLE_STAGE || options.stageConfig !== undefined };
}

/**
 * A deployed stage's eStats events, run on this machine: each API client reads the .edgerc
 * section `sectionOf` gives it instead of its Secrets Manager secret (no AWS account here).
 */
export function withLocalCredentials(
  fn: ScheduledFunction,
  sectionOf: (client: AkamaiClient) => string,
): ScheduledFunction {
  if (fn.name !== 'estats') return fn;
  return {
    ...fn,
    event: (time) => {
      const event = fn.event(time) as { schedule?: { clients?: AkamaiClient[] } };
      const clients = event.schedule?.clients;
      if (!event.schedule || !clients) return event;
      return {
        ...event,
        schedule: {
          ...event.schedule,
          clients: clients.map(({ secret: _secret, ...client }) => ({
            ...client,
            edgercSection: sectionOf(client),
          })),
        },
      };
    },
  };
}
