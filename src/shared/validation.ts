import { UNKNOWN_KEYS_SEPARATOR } from './zod';

/** Where a problem is, within the value that was validated, and what it is. */
export interface FieldProblem {
  path: ReadonlyArray<string | number>;
  message: string;
}

type IssuesOf = {
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string; code?: string }>;
};

/** A field path as users write it: `estats[0].input.targets[2].cpCode`. */
export function describePath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * Turn zod issues into one line per problem, each naming the field path (below `root`, when
 * given). A problem with the whole value is told without a path.
 */
export function describeIssues(error: IssuesOf, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = describePath([root, ...issue.path].filter((p) => p !== ''));
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * zod issues as field problems, so a file's loader can point at each one's line. An unknown
 * key is placed at the key itself (one problem per key), not at the object holding it.
 */
export function fieldsOf(
  error: IssuesOf,
  root: ReadonlyArray<string | number> = [],
): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const path = [...root, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    const keys = (issue as { keys?: unknown }).keys;
    if (issue.code === 'unrecognized_keys' && Array.isArray(keys) && keys.length > 1)
      return issue.message
        .split(UNKNOWN_KEYS_SEPARATOR)
        .map((message, i) => ({ path: [...path, String(keys[i])], message }));
    if (issue.code === 'unrecognized_keys' && Array.isArray(keys))
      return [{ path: [...path, String(keys[0])], message: issue.message }];
    return [{ path, message: issue.message }];
  });
}
