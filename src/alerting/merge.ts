import { isMap, isNode, isSeq, parseDocument, type Document, type YAMLSeq } from 'yaml';
import { ConfigurationError } from '../shared/errors';
import type { AlertmanagerSnippet } from './formats';

/**
 * An Alertmanager config of your own with our snippet merged in, its comments and order kept:
 * our route first under the root route (so our alerts never reach a catch-all of yours
 * before it), our receivers, inhibit rules, time intervals and templates appended. Merging
 * again replaces what an earlier merge added (the same route matcher, receiver and interval
 * names, inhibit rules sourced by our alerts), so it can run on every export.
 */
export function mergeAlertmanagerSnippet(
  existing: string,
  snippet: AlertmanagerSnippet,
  where: string,
): string {
  const doc = parseDocument(existing);
  if (doc.errors.length > 0)
    throw new ConfigurationError(`${where}: not YAML: ${doc.errors[0]?.message ?? ''}`, {
      hint: 'give the Alertmanager config file your Alertmanager loads (amtool check-config reads it)',
    });
  if (!isMap(doc.contents) || !isMap(doc.get('route')))
    throw new ConfigurationError(`${where}: no route: this is not an Alertmanager config`, {
      hint: 'give the file with your root `route:` and `receivers:`',
    });

  const field = (item: unknown, name: string): unknown =>
    typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[name] : undefined;
  const ourMatchers = JSON.stringify(snippet.route.matchers);
  replaceIn(
    doc,
    ['route', 'routes'],
    [snippet.route],
    (route) => JSON.stringify(field(route, 'matchers')) === ourMatchers,
    'start',
  );
  const receivers = new Set(snippet.receivers.map((r) => r.name));
  replaceIn(doc, ['receivers'], snippet.receivers, (r) => receivers.has(String(field(r, 'name'))));
  const sources = new Set(snippet.inhibit_rules.flatMap((rule) => rule.source_matchers));
  replaceIn(doc, ['inhibit_rules'], snippet.inhibit_rules, (rule) => {
    const matchers = field(rule, 'source_matchers');
    return Array.isArray(matchers) && matchers.some((m) => sources.has(String(m)));
  });
  const intervals = new Set(snippet.time_intervals.map((t) => t.name));
  replaceIn(doc, ['time_intervals'], snippet.time_intervals, (t) =>
    intervals.has(String(field(t, 'name'))),
  );
  const templates = new Set(snippet.templates);
  replaceIn(doc, ['templates'], snippet.templates, (path) => templates.has(String(path)));
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** In the sequence at `path` (created when missing), drop the items `ours` claims, add `items`. */
function replaceIn(
  doc: Document,
  path: string[],
  items: readonly unknown[],
  ours: (item: unknown) => boolean,
  at: 'start' | 'end' = 'end',
): void {
  if (items.length === 0) return;
  if (doc.getIn(path) == null) doc.setIn(path, doc.createNode([]));
  const seq = doc.getIn(path);
  if (!isSeq(seq))
    throw new ConfigurationError(`${path.join('.')} is not a list`, {
      hint: 'fix the Alertmanager config: amtool check-config names the problem',
    });
  const list = seq as YAMLSeq;
  list.items = list.items.filter((node) => !ours(isNode(node) ? node.toJSON() : node));
  const nodes = items.map((item) => doc.createNode(item));
  list.items = at === 'start' ? [...nodes, ...list.items] : [...list.items, ...nodes];
}
