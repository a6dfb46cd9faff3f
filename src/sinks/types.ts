import type { Env } from '../config/env';
import type { GroupingKey } from '../metrics/groups';
import type { GroupContent } from '../metrics/content';
import type { Deadline } from '../shared/deadline';

/** One group on its way out. */
export interface OutgoingGroup {
  key: GroupingKey;
  metrics: GroupContent;
  /**
   * `replace`: the group is replaced whole (the Pushgateway's PUT); `merge`: only the families
   * sent are (its POST), e.g. a run's health group keeps its last success time. Sinks without
   * groups (remote write) write the series either way.
   */
  mode: 'replace' | 'merge';
}

/** One kind of receiver: it takes a group whole, or throws saying why. */
export interface MetricsSink {
  /** Its name in SINKS (factories.ts). */
  readonly name: string;
  write(group: OutgoingGroup, deadline: Deadline): Promise<void>;
}

/** A group as a group store lists it. */
export interface ListedGroup {
  /** Its grouping labels, job included. */
  labels: Record<string, string>;
  /** The label sets of each metric's series (values as the store prints them). */
  series: Record<string, Array<{ labels: Record<string, string>; value: string }>>;
}

/**
 * Where groups stay until they are deleted (a Pushgateway): the collectors delete there the
 * groups of targets and devices they no longer have, and the janitor those nobody pushes.
 */
export interface GroupStore {
  /** How logs and errors name it (a Pushgateway's URL). */
  readonly name: string;
  listGroups(deadline: Deadline): Promise<ListedGroup[]>;
  delete(key: GroupingKey, deadline: Deadline): Promise<unknown>;
}

/** How one member of a sink of several (a Pushgateway of PUSHGATEWAY_URL) fared in this run. */
export interface MemberDelivery {
  pushgateway: string;
  /** Pushes of groups (PUT / POST) it did not take. */
  missedGroups: number;
  /** The first reason, when it missed any. */
  error?: string;
}

export interface DeliveryReport {
  quorum: number;
  /** Whether at least `quorum` members took every group pushed so far. */
  delivered: boolean;
  pushgateways: MemberDelivery[];
}

/** A sink ready for a run, with what it offers beyond taking groups. */
export interface ConnectedSink {
  sink: MetricsSink;
  /** Its group stores, when it keeps groups. */
  groupStores?: readonly GroupStore[];
  /** When it has several members with a quorum: what each missed so far. */
  delivery?(): DeliveryReport;
  /** What the run logs as a warning once connected (credentials in clear text). */
  warnings?: readonly string[];
}

/** One row of the sink table (factories.ts). */
/** What a sink logs after connecting (a secret read again after a refusal). */
export interface SinkLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface SinkFactory {
  /**
   * What the alert rules can rely on (alerting/scope.ts): `groups`, every group is kept until
   * deleted and stamped with its push time; `samples`, only samples are kept, and a stopped
   * collector's series just end.
   */
  keeps: 'groups' | 'samples';
  /** Whether Prometheus (its rules, the dashboards) reads what it keeps. */
  readByRules: boolean;
  /** The sink the environment describes, its secrets read. */
  connect(env: Env, deadline: Deadline, logger: SinkLogger): Promise<ConnectedSink>;
}
