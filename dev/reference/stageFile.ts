import { renderStageFileJsonSchema } from '../../src/deploy/stage/jsonSchema';
import { cell, code, generatedHeader, table } from './markdown';

export const STAGE_FILE_REFERENCE_FILE = 'docs/reference/stage-file.md';

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
}

/** What a value may be, in a few words. */
function typeOf(schema: Schema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' or ');
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (schema.type === 'array' && schema.items) return `list of ${typeOf(schema.items)}`;
  return schema.type ?? 'any';
}

/** The object a schema describes, through an optional wrapper (anyOf with one object). */
function objectOf(schema: Schema): Schema | undefined {
  if (schema.properties) return schema;
  return (schema.anyOf ?? schema.oneOf)?.find((s) => s.properties);
}

/** One row per key, depth first; a list's entries as `key[]`. */
function rowsOf(schema: Schema, path: string): string[][] {
  const object = objectOf(schema.type === 'array' && schema.items ? schema.items : schema);
  const prefix = schema.type === 'array' ? `${path}[]` : path;
  if (!object?.properties) return [];
  return Object.entries(object.properties).flatMap(([key, child]) => {
    const at = `${prefix}.${key}`;
    const defaultValue =
      child.default === undefined || (typeof child.default === 'object' && child.default !== null)
        ? '—'
        : code(JSON.stringify(child.default));
    return [
      [code(at), cell(typeOf(child)), defaultValue, cell(child.description ?? '')],
      ...rowsOf(child, at),
    ];
  });
}

/** docs/reference/stage-file.md: every key of a stage file, from its JSON Schema. */
export function renderStageFileReference(): string {
  const schema = JSON.parse(renderStageFileJsonSchema()) as Schema;
  const lines = [
    generatedHeader("the stage file's schemas (config/stage.schema.json)"),
    '',
    '# The stage file',
    '',
    'A stage is one file, `config/<stage>.yml`: its schedules, its settings, its alerting.',
    '`config/local.yml` is the example `npm start` runs; `config/prod.example.yml` is a',
    'production starting point. Every key below is checked when packaging, every problem',
    'reported at once at its line, and [its JSON Schema](../../config/stage.schema.json) lets',
    'editors complete and check the file as it is typed. The `functions:` section holds the',
    '[settings](settings.md).',
    '',
  ];
  for (const [section, child] of Object.entries(schema.properties ?? {})) {
    lines.push(`## \`${section}\``, '', cell(child.description ?? ''), '');
    if (section === 'functions') {
      lines.push('Every key is a setting: see [Settings](settings.md).', '');
      continue;
    }
    const rows = rowsOf(child, section);
    if (rows.length > 0) lines.push(...table(['key', 'type', 'default', 'what it is'], rows), '');
  }
  return lines.join('\n');
}
