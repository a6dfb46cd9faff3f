import { COLLECTOR, LABEL } from '../metrics/catalogue';
import type { GroupContent } from '../metrics/content';
import type { GroupingKey } from '../metrics/groups';
import { PushMetrics } from '../metrics/registry';
import type { ListedGroup } from '../sinks/types';

/**
 * Who wrote a group: the stage that deployed the schedule, and every schedule of that stage
 * that collects the group (an eStats target two schedules list). Pushgateways are shared by
 * stages and by other teams' jobs, so every group a collector pushes carries its owner as
 * `collector_group_owner_info{stage, schedules}`, and whatever deletes (removal, the janitor)
 * deletes only what its own stage, and schedule, wrote.
 */
export interface GroupOwner {
  stage: string;
  schedules: readonly string[];
}

/** The mark as a listed group shows it. */
export interface OwnerMark {
  stage: string;
  schedules: string[];
}

/**
 * The group's content with its owner's mark added to the Pushgateway's body. Remote write and
 * Graphite keep no groups, so their series stay as they were. Without an owner (a run whose
 * event names no stage) the content is left unmarked.
 */
export function withOwner(content: GroupContent, owner: GroupOwner | undefined): GroupContent {
  if (!owner) return content;
  return {
    get seriesCount() {
      return content.seriesCount;
    },
    sampledAtMs: content.sampledAtMs,
    async text(key: GroupingKey) {
      const [body, mark] = await Promise.all([content.text(key), markText(owner)]);
      return `${body}${body === '' || body.endsWith('\n') ? '' : '\n'}${mark}`;
    },
    timeSeries: (key, timestampMs) => content.timeSeries(key, timestampMs),
  };
}

/**
 * The mark's text, written once per owner: every group of a run has the same owner, and a
 * registry per group cost a run of hundreds of targets as many. Owners are few (a stage's
 * schedules), and the cache is dropped whole should a process ever see many.
 */
const markTexts = new Map<string, Promise<string>>();
const MAX_CACHED_MARKS = 256;

function markText(owner: GroupOwner): Promise<string> {
  const labels = { [LABEL.stage]: owner.stage, [LABEL.schedules]: schedulesLabel(owner.schedules) };
  const key = JSON.stringify(labels);
  const cached = markTexts.get(key);
  if (cached) return cached;
  if (markTexts.size >= MAX_CACHED_MARKS) markTexts.clear();
  const metrics = new PushMetrics();
  metrics.family(COLLECTOR.groupOwner).set(labels, 1);
  const text = metrics.text();
  markTexts.set(key, text);
  // A failure is not kept: the next group tries again.
  text.catch(() => markTexts.delete(key));
  return text;
}

/** The schedules as the label holds them: each once, sorted, comma-separated. */
function schedulesLabel(schedules: readonly string[]): string {
  return [...new Set(schedules)].sort().join(',');
}

/** The owner a listed group carries; undefined when it has no mark (not one of ours). */
export function ownerOf(group: ListedGroup): OwnerMark | undefined {
  const labels = group.series[COLLECTOR.groupOwner.name]?.[0]?.labels;
  const stage = labels?.[LABEL.stage];
  if (!stage) return undefined;
  return { stage, schedules: (labels[LABEL.schedules] ?? '').split(',').filter(Boolean) };
}

/** Whether `schedule` of `stage` wrote the group and no other schedule collects it. */
export function ownedAlone(group: ListedGroup, stage: string, schedule: string): boolean {
  const mark = ownerOf(group);
  return mark?.stage === stage && mark.schedules.length === 1 && mark.schedules[0] === schedule;
}
