/**
 * English validation messages for zod/mini. Schemas use zod/mini, not `zod`: the same
 * validation core, but tree-shakable. The classic `zod` entry put ~440 KB into every bundle;
 * zod/mini with only the English locale is ~30 KB (docs/performance.md). Every schema module
 * imports this file first, so messages are set before anything is parsed. (`z` is imported
 * directly in each module: re-exporting the namespace from here defeats tree-shaking.)
 *
 * One message of ours: an unknown key of a strict object names the nearest known key, so a
 * typo in a stage file (`janitr:`) says what was meant.
 */
import { config, prefault, type input, type ZodMiniObject } from 'zod/mini';
import en from 'zod/v4/locales/en.cjs';
import { nearestOf } from './nearest';
import { RENAMED_KEYS } from './renamedKeys';

const english = en();

/** Between the messages of several unknown keys of one object (validation.ts splits on it). */
export const UNKNOWN_KEYS_SEPARATOR = '; ';

config({
  ...english,
  customError: (issue) => {
    if (issue.code !== 'unrecognized_keys') return undefined;
    const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)
      ?._zod?.def;
    const known = Object.keys(def?.shape ?? {});
    return issue.keys
      .map((key) => {
        const renamed = RENAMED_KEYS[key];
        if (renamed && known.includes(renamed.now))
          return `"${key}" is now "${renamed.now}": ${renamed.how}`;
        const nearest = nearestOf(key, known);
        return `unknown key "${key}"${nearest ? ` (did you mean "${nearest}"?)` : known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`;
      })
      .join(UNKNOWN_KEYS_SEPARATOR);
  },
});

/**
 * An object whose fields all have defaults: left out, it is their defaults (zod's `prefault`
 * parses `{}`, where `_default` would hand `{}` over unparsed).
 */
export function defaultsOf<T extends ZodMiniObject>(shape: T) {
  return prefault(shape, {} as input<T>);
}
