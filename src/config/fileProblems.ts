import { ConfigurationError } from '../shared/errors';
import { describePath, type FieldProblem } from '../shared/validation';
import type { SourcePosition, YamlSource } from './yamlSource';

type Path = ReadonlyArray<string | number>;

/** One problem of a file: where it is, what is wrong, and what to do. */
interface Problem {
  path: Path;
  /** Told as is, after its place. */
  message: string;
  hint?: string | undefined;
  /** Point at the key (an unknown key) rather than its value. */
  key?: boolean;
  /** A place known from the text itself (a syntax error). */
  position?: SourcePosition;
}

/**
 * Every problem of one file, gathered in one pass so a user fixes them all at once, each
 * reported as `file:line:column` (the YAML source position of its field) with what to do.
 */
export class FileProblems {
  private readonly problems: Problem[] = [];

  /** How many problems so far: compare before and after a step to know if it failed. */
  get count(): number {
    return this.problems.length;
  }

  add(path: Path, message: string, hint?: string): void {
    this.problems.push({ path, message: withPath(path, message, 'starts'), hint });
  }

  /** Field problems of a schema (shared/validation.ts `fieldsOf`), each at its own place. */
  addFields(fields: readonly FieldProblem[], hint?: string): void {
    for (const field of fields)
      this.problems.push({
        path: field.path,
        message: withPath(field.path, field.message, 'starts'),
        hint,
        key: /^unknown key /.test(field.message),
      });
  }

  addAt(position: SourcePosition, message: string, hint?: string): void {
    this.problems.push({ path: [], message, hint, position });
  }

  /**
   * Run one check of the part at `base`. A ConfigurationError it throws becomes problems:
   * one per field it names (below `base`), else one at `base`. Anything else is a bug and
   * propagates. Returns undefined when the check failed.
   */
  attempt<T>(base: Path, check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      this.addError(base, error);
      return undefined;
    }
  }

  /** A ConfigurationError of the part at `base`: one problem per field it names, else one. */
  addError(base: Path, error: ConfigurationError): void {
    if (error.fields.length > 0)
      this.addFields(
        error.fields.map((f) => ({ path: [...base, ...f.path], message: f.message })),
        error.hint,
      );
    else
      this.problems.push({ path: base, message: withPath(base, error.message), hint: error.hint });
  }

  /** Throw one ConfigurationError that lists every problem, each with its place. */
  throwIfAny(shown: string, source: YamlSource, hint: string): void {
    if (this.problems.length === 0) return;
    const lines = this.problems.map((problem) => {
      const { line, column } =
        problem.position ?? source.positionOf(problem.path, { key: problem.key ?? false });
      // Older checks name the file themselves: said once, in the place.
      const message = problem.message.startsWith(`${shown}: `)
        ? problem.message.slice(shown.length + 2)
        : problem.message;
      return { text: `${shown}:${line}:${column}: ${message}`, hint: problem.hint, line };
    });
    const [only] = lines;
    if (lines.length === 1 && only)
      throw new ConfigurationError(only.text, { hint: only.hint ?? hint });
    lines.sort((a, b) => a.line - b.line);
    // A hint said once: the problems after it that share it are of the same kind.
    const said = new Set<string>();
    const listed = lines.map((l) => {
      const hinted = l.hint !== undefined && !said.has(l.hint);
      if (l.hint !== undefined) said.add(l.hint);
      return `  ${l.text}${hinted ? `\n      → ${l.hint}` : ''}`;
    });
    throw new ConfigurationError(`${shown} has ${lines.length} problems:\n${listed.join('\n')}\n`, {
      hint,
    });
  }
}

/**
 * A problem's message after its path, unless it already names its place: at its start, or
 * anywhere for the messages of older checks that name their place themselves.
 */
function withPath(path: Path, message: string, named: 'starts' | 'anywhere' = 'anywhere'): string {
  const where = describePath(path);
  const said = named === 'starts' ? message.startsWith(where) : message.includes(where);
  return where === '' || said ? message : `${where}: ${message}`;
}
