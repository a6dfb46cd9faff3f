/** Turn zod issues into one line per problem, each naming the field path. */
export function describeIssues(
  error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> },
  root = '',
): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
        .filter((p) => p !== '')
        .join('.')
        .replace(/\.\[/g, '[');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
