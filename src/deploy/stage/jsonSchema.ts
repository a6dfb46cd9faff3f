import * as z from 'zod/mini';
import '../../shared/zod';
import { akamaiClientSchema } from '../../akamai/clients';
import { sloSchema } from '../../alerting/slo';
import { ALERTING_SETTINGS_SCHEMA } from './alerting';
import { janitorPolicySchema } from '../../janitor/policy';
import { STAGE_COLLECTORS } from './collectors';
import { parsedSections, stageSections } from './schema';

/** Where the committed JSON Schema lives, beside the stage files that name it. */
export const STAGE_SCHEMA_FILE = 'config/stage.schema.json';

/** The first line of every stage file: editors validate and complete the file with it. */
export const SCHEMA_COMMENT = '# yaml-language-server: $schema=./stage.schema.json';

/**
 * The stage file as one schema for editors and other validators: the stage file's own
 * sections, with each part the loader hands to a function's schema (a schedule's input, a
 * fleet, the SLOs, the alerting settings) filled in by that same schema. Fields that
 * packaging sets itself (a schedule's stage, clients and interval) are left out: a user does
 * not write them. Checks that need more than one field (a target in no schedule, a budget)
 * stay the loader's.
 */
export function stageFileJsonSchema(): Record<string, unknown> {
  const client = z.omit(akamaiClientSchema, { name: true });
  const { functions, akamai, janitor, links } = stageSections;
  // Each section keeps the description the stage file's own schema gives it.
  const described = <T extends z.ZodMiniType>(schema: T, like: z.ZodMiniType): T => {
    const def = like._zod.def as { innerType?: z.ZodMiniType };
    const description = (
      z.globalRegistry.get(like) ??
      (def.innerType && z.globalRegistry.get(def.innerType))
    )?.description;
    if (description !== undefined) z.globalRegistry.add(schema, { description });
    return schema;
  };
  const collectors = Object.fromEntries(
    STAGE_COLLECTORS.map((collector) => [
      collector.kind,
      z.optional(z.array(collector.editableEntry).check(z.describe(collector.describes))),
    ]),
  );
  const editable = z.strictObject({
    functions,
    akamai: described(
      z.optional(
        z.strictObject({
          ...akamai.def.innerType.def.shape,
          clients: z.optional(z.record(z.string(), client)),
        }),
      ),
      akamai,
    ),
    ...collectors,
    slos: described(z.optional(z.array(sloSchema)), parsedSections.slos),
    janitor: described(
      z.optional(
        z.strictObject({
          ...janitor.def.innerType.def.shape,
          maxDeletesPerRun: z.optional(janitorPolicySchema.def.shape.maxDeletesPerRun),
          ttl: z.optional(janitorPolicySchema.def.shape.ttl),
        }),
      ),
      janitor,
    ),
    links,
    alerting: described(z.optional(ALERTING_SETTINGS_SCHEMA), parsedSections.alerting),
  });
  return {
    ...z.toJSONSchema(editable, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    $id: 'https://github.com/pushgate-collector/pushgate-collector/config/stage.schema.json',
    title: 'pushgate-collector stage file (config/<stage>.yml)',
    description:
      "A stage's settings, schedules, targets, janitor, links and alerting. Generated from the loader's schemas: npm run config:generate.",
  };
}

/** The committed file's text. */
export function renderStageFileJsonSchema(): string {
  return `${JSON.stringify(stageFileJsonSchema(), null, 2)}\n`;
}
