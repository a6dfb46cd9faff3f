import { Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import type { AccountCpCode } from '../akamai/cpCodes';
export { selectCpCodes } from '../akamai/cpCodes';
import { ConfigurationError } from '../shared/errors';

/**
 * `npm run targets:discover`: the account's CP codes merged into one eStats schedule of a
 * stage file, keeping what people wrote there. The file is edited as a YAML document, so its
 * comments, order and every hand edit stay; only the schedule's `targets` list changes:
 * - a CP code Akamai lists and the schedule lacks is added, with Akamai's name;
 * - a name discovery wrote (marked `# from Akamai`) follows a rename in Akamai; a name
 *   written by hand (no mark) is never touched, and a target without one gets Akamai's;
 * - a CP code of the schedule that Akamai no longer lists is reported, and removed only when
 *   asked (`--remove-vanished`): a filter that is too narrow must not empty a schedule.
 */
export const DISCOVERED_MARK = 'from Akamai';

export interface DiscoveryPlan {
  schedule: string;
  added: AccountCpCode[];
  /** Discovered names that changed in Akamai (or were missing): cpCode → [old, new]. */
  renamed: Array<{ cpCode: number; from: string | undefined; to: string }>;
  /** CP codes of the schedule Akamai did not list. */
  vanished: Array<{ cpCode: number; name: string | undefined }>;
  removeVanished: boolean;
  /** Targets kept as they are (URLs, hand-named CP codes, unchanged ones). */
  unchanged: number;
}

/** A stage file opened for discovery: its YAML document and the schedule to merge into. */
export interface StageDocument {
  doc: Document;
  /** The file's text as read: all of it but the targets list is written back unchanged. */
  text: string;
  file: string;
  schedule: string;
  /** The schedule's targets list, as a node of `doc`: the one part discovery rewrites. */
  targets: YAMLSeq;
}

/**
 * Open `text` (the stage file `file`) and find the eStats schedule `schedule` (its
 * `input.name`), or the only one when none is named.
 */
export function openStageDocument(text: string, file: string, schedule?: string): StageDocument {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new ConfigurationError(`${file}: not YAML: ${doc.errors[0]?.message ?? ''}`, {
      hint: 'fix the file first: discovery edits it in place of you',
    });
  const estats = doc.get('estats');
  const schedules = isSeq(estats) ? estats.items.filter(isMap) : [];
  const nameOf = (entry: YAMLMap) => String(entry.getIn(['input', 'name']) ?? 'default');
  const names = schedules.map(nameOf);
  if (schedules.length === 0)
    throw new ConfigurationError(`${file} has no eStats schedule to add CP codes to`, {
      hint: 'add one under "estats:" (see config/local.yml), then run discovery again',
    });
  const chosen =
    schedule === undefined
      ? schedules.length === 1
        ? schedules[0]
        : undefined
      : schedules.find((entry) => nameOf(entry) === schedule);
  if (!chosen)
    throw new ConfigurationError(
      schedule === undefined
        ? `${file} has ${schedules.length} eStats schedules (${names.join(', ')}): say which one gets the CP codes`
        : `${file} has no eStats schedule named ${schedule}`,
      {
        hint: `--schedule ${names[0] ?? 'NAME'} (its input.name); the schedules are ${names.join(', ')}`,
      },
    );
  let targets = chosen.getIn(['input', 'targets']);
  if (targets === undefined) {
    chosen.setIn(['input', 'targets'], doc.createNode([]));
    targets = chosen.getIn(['input', 'targets']);
  }
  if (!isSeq(targets))
    throw new ConfigurationError(
      `${file}: estats schedule ${nameOf(chosen)}: input.targets is not a list`,
      {
        hint: 'make it a list of targets (- cpCode: …)',
      },
    );
  return { doc, text, file, schedule: nameOf(chosen), targets };
}

/** What merging `discovered` into the schedule would change. */
export function planDiscovery(
  stage: StageDocument,
  discovered: readonly AccountCpCode[],
  options: { removeVanished?: boolean } = {},
): DiscoveryPlan {
  const byCode = new Map(discovered.map((cp) => [cp.cpCode, cp]));
  const present = new Set<number>();
  const plan: DiscoveryPlan = {
    schedule: stage.schedule,
    added: [],
    renamed: [],
    vanished: [],
    removeVanished: options.removeVanished ?? false,
    unchanged: 0,
  };
  for (const target of stage.targets.items.filter(isMap)) {
    const cpCode = target.get('cpCode');
    if (typeof cpCode !== 'number') {
      plan.unchanged++;
      continue;
    }
    present.add(cpCode);
    const name = nameOf(target);
    const found = byCode.get(cpCode);
    if (!found) {
      plan.vanished.push({ cpCode, name: name?.value });
      continue;
    }
    if ((name === undefined || name.discovered) && name?.value !== found.name)
      plan.renamed.push({ cpCode, from: name?.value, to: found.name });
    else plan.unchanged++;
  }
  plan.added = discovered.filter((cp) => !present.has(cp.cpCode));
  return plan;
}

/**
 * The stage file's text with the plan applied. Only the schedule's targets list is written
 * anew, in place of its old text: every other byte of the file stays as it was.
 */
export function applyDiscovery(stage: StageDocument, plan: DiscoveryPlan): string {
  const { doc } = stage;
  const seq = stage.targets;
  const renames = new Map(plan.renamed.map((r) => [r.cpCode, r.to]));
  const vanished = new Set(plan.vanished.map((v) => v.cpCode));
  const range = seq.range;
  if (plan.removeVanished)
    seq.items = seq.items.filter(
      (item) => !(isMap(item) && vanished.has(item.get('cpCode') as number)),
    );
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const to = renames.get(item.get('cpCode') as number);
    if (to === undefined) continue;
    item.set('name', markedName(doc, to));
    // The mark is a comment, which a flow map cannot hold on one line: a block map then.
    item.flow = false;
  }
  for (const cp of plan.added) {
    const target = doc.createNode({ cpCode: cp.cpCode }) as YAMLMap;
    target.set('name', markedName(doc, cp.name));
    seq.items.push(target);
  }
  // A list that was in the file: its text replaced by the new list's, at its indentation.
  if (range && seq.items.length > 0 && !seq.flow) {
    const [start, valueEnd] = range;
    const indent = start - (stage.text.lastIndexOf('\n', start - 1) + 1);
    const list = new Document(seq).toString(TO_STRING).trimEnd();
    const rendered = list.replaceAll('\n', `\n${' '.repeat(indent)}`);
    const before = stage.text.slice(0, start);
    // The rest of the list's last line, if only blanks; the next line is kept as it was.
    const after = stage.text.slice(valueEnd).replace(/^[^\S\n]*\n/, '');
    return `${before}${rendered}\n${after}`;
  }
  return doc.toString(TO_STRING);
}

const TO_STRING = { lineWidth: 0 } as const;

/**
 * The targets the schedule will hold once the plan is applied: each target the plan saw once
 * (unchanged, renamed, vanished unless removed) and the added ones.
 */
export function plannedTargetCount(plan: DiscoveryPlan): number {
  return (
    plan.unchanged +
    plan.renamed.length +
    (plan.removeVanished ? 0 : plan.vanished.length) +
    plan.added.length
  );
}

function markedName(doc: Document, name: string) {
  const node = doc.createNode(name);
  node.comment = ` ${DISCOVERED_MARK}`;
  return node;
}

/** A target's name and whether discovery wrote it (its `# from Akamai` mark). */
function nameOf(target: YAMLMap): { value: string; discovered: boolean } | undefined {
  const node = target.get('name', true);
  if (!isScalar(node)) return undefined;
  return { value: String(node.value), discovered: node.comment?.trim() === DISCOVERED_MARK };
}
