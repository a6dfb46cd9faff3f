import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';

/** A place in a file, 1-based, as editors and compilers print it. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A YAML text read once: its value, its syntax errors, and where each field of it is. */
export interface YamlSource {
  value: unknown;
  /** Syntax errors, each with its place: the value is not to be trusted when there are any. */
  syntaxErrors: Array<{ message: string; position: SourcePosition }>;
  /**
   * Where a field path is written: its value, or with `key` the key itself (an unknown key).
   * A path that goes further than the text (a missing field) gives the deepest place that
   * exists, so every problem has a line.
   */
  positionOf(path: ReadonlyArray<string | number>, options?: { key?: boolean }): SourcePosition;
  /** Every string value (keys left out) that matches, with its place. */
  stringsMatching(pattern: RegExp): Array<{ value: string; position: SourcePosition }>;
}

/** Parse YAML keeping source positions (the `yaml` package's document API). */
export function readYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    value: doc.errors.length === 0 ? doc.toJS() : undefined,
    syntaxErrors: doc.errors.map((error) => ({
      message: error.message.split('\n')[0] ?? error.message,
      position: at(error.pos[0]),
    })),
    positionOf(path, options = {}) {
      let node: Node | null | undefined = doc.contents as Node | null;
      let offset = node?.range?.[0] ?? 0;
      for (const [i, step] of path.entries()) {
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((item) =>
            isScalar(item.key) ? String(item.key.value) === String(step) : false,
          );
          if (!pair) break;
          const keyNode = pair.key as Node;
          const valueNode = pair.value as Node | null;
          if (last && (options.key || !valueNode?.range)) return at(keyNode.range?.[0] ?? offset);
          node = valueNode;
          offset = valueNode?.range?.[0] ?? keyNode.range?.[0] ?? offset;
        } else if (isSeq(node) && typeof step === 'number') {
          const item = node.items[step] as Node | undefined;
          if (!item) break;
          node = item;
          offset = item.range?.[0] ?? offset;
        } else break;
      }
      return at(offset);
    },
    stringsMatching(pattern) {
      const found: Array<{ value: string; position: SourcePosition }> = [];
      visit(doc, {
        Pair(_, pair) {
          // Only values: a key is a field name, never a placeholder.
          const value = pair.value;
          if (isScalar(value) && typeof value.value === 'string' && pattern.test(value.value))
            found.push({ value: value.value, position: at(value.range?.[0] ?? 0) });
        },
        Seq(_, seq) {
          for (const item of seq.items)
            if (isScalar(item) && typeof item.value === 'string' && pattern.test(item.value))
              found.push({ value: item.value, position: at(item.range?.[0] ?? 0) });
        },
      });
      return found;
    },
  };
}
