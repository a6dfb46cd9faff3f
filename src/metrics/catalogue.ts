/**
 * The catalogue of every metric and label this product pushes. Alert rules and dashboards
 * import these constants, so renaming a metric here breaks their build instead of silently
 * leaving a panel or an alert without data.
 *
 * Conventions (prometheus.io/docs/practices/naming): base units, ratios in 0–1, `_total` only on
 * counters, snake_case labels, bounded label sets.
 */

export interface MetricDefinition<L extends string = string> {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  labels: readonly L[];
}

function define<const L extends string>(definition: MetricDefinition<L>): MetricDefinition<L> {
  return definition;
}

/** Label names. */
export const LABEL = {
  job: 'job',
  cpCode: 'cp_code',
  url: 'url',
  delivery: 'delivery',
  errorType: 'error_type',
  direction: 'direction',
  statusCode: 'status_code',
  statusClass: 'status_class',
  edgeIp: 'edge_ip',
  errorCode: 'error_code',
  countryCode: 'country_code',
  reason: 'reason',
  schedule: 'schedule',
  state: 'state',
  fleet: 'fleet',
  device: 'device',
  port: 'port',
  portType: 'port_type',
  stage: 'stage',
  schedules: 'schedules',
  /** Where a collector delivers: pushgateway, remote-write. */
  sink: 'sink',
  /** A Pushgateway the collector pushed to (its URL): not the one Prometheus scraped. */
  pushgateway: 'pushgateway',
  /** An Akamai API client of the stage (its name in the stage file, `default` without one). */
  akamaiClient: 'akamai_client',
  /** The job whose groups a janitor series counts (`job` itself names the janitor's group). */
  collectorJob: 'collector_job',
  /** What people call a target (its `name` in the stage file): on the info series only. */
  targetName: 'name',
} as const;

export const JOB = {
  estats: 'akamai_estats',
  traffic: 'akamai_traffic',
  synthetic: 'synthetic_telemetry',
  janitor: 'pushgate_janitor',
  /**
   * The health groups of scrape schedules. Their targets' groups carry each schedule's own
   * job (its `job:`, as a Prometheus scrape_config names it).
   */
  scrape: 'pushgate_scrape',
} as const;

/**
 * The jobs of the collectors' run-health groups: the collectors of this product. The janitor
 * looks only at these (and the scrape schedules' own jobs); every run-health group has one.
 */
export const COLLECTOR_JOBS = [JOB.estats, JOB.synthetic, JOB.scrape, JOB.traffic] as const;

/** `direction` label values: client↔edge, or edge→origin forward requests. */
export const DIRECTIONS = ['edge', 'origin'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** eStats metrics: one Pushgateway group per target, replaced (PUT) on every run. */
export const ESTATS = {
  up: define({
    name: 'akamai_estats_up',
    help: '1 if the last eStats request for this target succeeded and its data is in this group, 0 if it failed (see akamai_estats_failure_info).',
    type: 'gauge',
    labels: [],
  }),
  failureInfo: define({
    name: 'akamai_estats_failure_info',
    help: 'Always 1; the reason label says why the last eStats request for this target failed.',
    type: 'gauge',
    labels: [LABEL.reason],
  }),
  hits: define({
    name: 'akamai_estats_hits',
    help: 'Hits in the eStats traffic sample (about 9 s of the last 2 minutes), by direction.',
    type: 'gauge',
    labels: [LABEL.direction],
  }),
  errors: define({
    name: 'akamai_estats_errors',
    help: 'Error hits in the eStats traffic sample, by direction.',
    type: 'gauge',
    labels: [LABEL.direction],
  }),
  failureRatio: define({
    name: 'akamai_estats_failure_ratio',
    help: 'Share of failed hits in the eStats sample (0-1), by direction, as reported by Akamai.',
    type: 'gauge',
    labels: [LABEL.direction],
  }),
  statusHits: define({
    name: 'akamai_estats_status_hits',
    help: 'Hits per HTTP status code in the eStats sample, by direction.',
    type: 'gauge',
    labels: [LABEL.direction, LABEL.statusCode, LABEL.statusClass],
  }),
  statusClassRatio: define({
    name: 'akamai_estats_status_class_ratio',
    help: 'Share of hits per HTTP status class (1xx-5xx) in the eStats sample (0-1), by direction; the EstatsMon view.',
    type: 'gauge',
    labels: [LABEL.direction, LABEL.statusClass],
  }),
  topErrorEdgeIpHits: define({
    name: 'akamai_estats_top_error_edge_ip_hits',
    help: 'Error hits of the edge servers with the most errors in the sample (capped to the top N per direction).',
    type: 'gauge',
    labels: [LABEL.direction, LABEL.edgeIp, LABEL.statusCode, LABEL.errorCode, LABEL.countryCode],
  }),
  targetInfo: define({
    name: 'akamai_estats_target_info',
    help: "Always 1; the target's name (the stage file's, or Akamai's CP code name). An info series: join it on the target's labels to show the name, so a rename starts no new data series.",
    type: 'gauge',
    labels: [LABEL.targetName],
  }),
  sampleTimestamp: define({
    name: 'akamai_estats_sample_timestamp_seconds',
    help: 'Unix time at which Akamai completed the eStats sample (completedTime); the Pushgateway refuses sample timestamps.',
    type: 'gauge',
    labels: [],
  }),
  requestDuration: define({
    name: 'akamai_estats_request_duration_seconds',
    help: 'Duration of the eStats API call for this target, including retries.',
    type: 'gauge',
    labels: [],
  }),
} as const;

/**
 * Traffic metrics (Reporting API v2 `delivery/traffic/current`): one group per CP code. The
 * Pushgateway holds the newest final 5-minute bucket; remote write and Graphite get every
 * bucket at its own time (its end), the ones an outage missed included.
 */
export const TRAFFIC = {
  up: define({
    name: 'akamai_traffic_up',
    help: "1 if this CP code's last traffic run brought its buckets and they are in this group, 0 if it failed (see akamai_traffic_failure_info).",
    type: 'gauge',
    labels: [],
  }),
  failureInfo: define({
    name: 'akamai_traffic_failure_info',
    help: 'Always 1; the reason label says why the last traffic run failed for this CP code.',
    type: 'gauge',
    labels: [LABEL.reason],
  }),
  hits: define({
    name: 'akamai_traffic_hits',
    help: 'Hits in the 5-minute bucket that ends at akamai_traffic_bucket_end_timestamp_seconds, by direction: edge (served to clients) or origin (forwarded to the origin).',
    type: 'gauge',
    labels: [LABEL.direction],
  }),
  bytes: define({
    name: 'akamai_traffic_bytes',
    help: 'Bytes in the 5-minute bucket, by direction: edge (to and from clients) or origin (to and from the origin).',
    type: 'gauge',
    labels: [LABEL.direction],
  }),
  hitOffloadRatio: define({
    name: 'akamai_traffic_hit_offload_ratio',
    help: "Share of the bucket's edge hits that Akamai served without the origin (0-1): 1 - origin hits / edge hits. Absent when the bucket had no edge hits.",
    type: 'gauge',
    labels: [],
  }),
  byteOffloadRatio: define({
    name: 'akamai_traffic_byte_offload_ratio',
    help: "Share of the bucket's edge bytes that did not come from the origin (0-1): 1 - origin bytes / edge bytes. Absent when the bucket had no edge bytes.",
    type: 'gauge',
    labels: [],
  }),
  bucketEnd: define({
    name: 'akamai_traffic_bucket_end_timestamp_seconds',
    help: 'End of the 5-minute bucket these values are of (Unix seconds): time() minus it is how late the data is.',
    type: 'gauge',
    labels: [],
  }),
  bucketSeconds: define({
    name: 'akamai_traffic_bucket_seconds',
    help: 'Width of the bucket the hits and bytes are counted over (300): divide by it for a per-second rate.',
    type: 'gauge',
    labels: [],
  }),
  targetInfo: define({
    name: 'akamai_traffic_target_info',
    help: "Always 1; the CP code's name (the stage file's, or Akamai's CP code name). An info series: join it on cp_code to show the name.",
    type: 'gauge',
    labels: [LABEL.targetName],
  }),
  backfilledBuckets: define({
    name: 'akamai_traffic_backfilled_buckets',
    help: "Buckets this run wrote behind the newest one, summed over the schedule's CP codes: what an outage of the sinks or the collector missed, filled in.",
    type: 'gauge',
    labels: [],
  }),
  unfilledBuckets: define({
    name: 'akamai_traffic_unfilled_buckets',
    help: "Buckets this run found missing but older than the backfill window, summed over the schedule's CP codes: a gap that stays (see the traffic guide).",
    type: 'gauge',
    labels: [],
  }),
} as const;

/**
 * Every collector reports on itself in its own group `{job=<collector job>, schedule=<name>}`,
 * pushed with POST so `collector_last_success_timestamp_seconds` survives a failed run.
 */
export const COLLECTOR = {
  runDuration: define({
    name: 'collector_run_duration_seconds',
    help: 'Wall-clock duration of the last collector run.',
    type: 'gauge',
    labels: [],
  }),
  runSuccess: define({
    name: 'collector_run_success',
    help: '1 if the last collector run collected and pushed every target, 0 otherwise.',
    type: 'gauge',
    labels: [],
  }),
  lastRunTimestamp: define({
    name: 'collector_last_run_timestamp_seconds',
    help: 'Unix time at which the last collector run ended, successful or not.',
    type: 'gauge',
    labels: [],
  }),
  lastSuccessTimestamp: define({
    name: 'collector_last_success_timestamp_seconds',
    help: 'Unix time at which the last fully successful collector run ended.',
    type: 'gauge',
    labels: [],
  }),
  targets: define({
    name: 'collector_targets',
    help: 'Targets handled in the last collector run, by outcome (ok, failed; scrape schedules: down, those of ok that did not answer and hold up 0).',
    type: 'gauge',
    labels: [LABEL.state],
  }),
  sinkFailedGroups: define({
    name: 'collector_sink_failed_groups',
    help: 'Groups of the last collector run that this sink did not take (0: it took them all).',
    type: 'gauge',
    labels: [LABEL.sink],
  }),
  pushgatewayMissedGroups: define({
    name: 'collector_pushgateway_missed_groups',
    help: 'Groups of the last collector run that this Pushgateway did not take (0: it holds them all).',
    type: 'gauge',
    labels: [LABEL.pushgateway],
  }),
  scheduleInterval: define({
    name: 'collector_schedule_interval_seconds',
    help: "The schedule's interval: a run that takes longer no longer fits it.",
    type: 'gauge',
    labels: [],
  }),
  refusedGroups: define({
    name: 'collector_refused_groups',
    help: "Groups of the last run a sink refused as such: the Pushgateway as inconsistent with another group (a metric name another group gives another type), remote write with a 4xx. Each holds its target's failure series (up 0) instead; the run's log names the reason.",
    type: 'gauge',
    labels: [],
  }),
  groupOwner: define({
    name: 'collector_group_owner_info',
    help: "Always 1, in every group a collector pushes to a Pushgateway (not sent to remote write or Graphite): the stage that wrote the group, and the schedules of that stage that collect it (comma-separated). Removal and the janitor delete only groups their own stage and schedule wrote; a group without it (another team's) is never touched.",
    type: 'gauge',
    labels: [LABEL.stage, LABEL.schedules],
  }),
  lastSkippedEvent: define({
    name: 'collector_last_skipped_event_timestamp_seconds',
    help: 'When a delivery older than the schedule interval (a late retry) was skipped, unpushed.',
    type: 'gauge',
    labels: [],
  }),
  akamaiRateLimit: define({
    name: 'collector_akamai_rate_limit',
    help: "X-RateLimit-Limit the API client's last answer carried (requests per minute).",
    type: 'gauge',
    labels: [LABEL.akamaiClient],
  }),
  akamaiRateRemaining: define({
    name: 'collector_akamai_rate_limit_remaining_min',
    help: 'Lowest X-RateLimit-Remaining of the API client seen in the last run.',
    type: 'gauge',
    labels: [LABEL.akamaiClient],
  }),
  akamaiRateWait: define({
    name: 'collector_akamai_rate_wait_seconds',
    help: "Time the last run's requests waited for the API client's rate budget, summed.",
    type: 'gauge',
    labels: [LABEL.akamaiClient],
  }),
  akamaiRequests: define({
    name: 'collector_akamai_requests',
    help: 'eStats requests the last run sent with the API client (retries included).',
    type: 'gauge',
    labels: [LABEL.akamaiClient],
  }),
  akamaiThrottled: define({
    name: 'collector_akamai_throttled_requests',
    help: 'Requests of the last run that Akamai answered 429 (rate limit spent).',
    type: 'gauge',
    labels: [LABEL.akamaiClient],
  }),
} as const;

/**
 * Synthetic device telemetry: one Pushgateway group per device,
 * `{job="synthetic_telemetry", fleet=<fleet>, device=<device>}`, replaced (PUT) on every run.
 * Named like node_exporter's network metrics, so dashboards and alerts read naturally.
 */
export const SYNTHETIC = {
  portInfo: define({
    name: 'synthetic_port_info',
    help: 'Always 1; static port information (type) as labels.',
    type: 'gauge',
    labels: [LABEL.port, LABEL.portType],
  }),
  portSpeed: define({
    name: 'synthetic_port_speed_bytes',
    help: 'Line rate of the port in bytes per second.',
    type: 'gauge',
    labels: [LABEL.port],
  }),
  linkUp: define({
    name: 'synthetic_port_link_up',
    help: '1 if the link is up, 0 if it is down (a down link carries no traffic).',
    type: 'gauge',
    labels: [LABEL.port],
  }),
  linkFlaps: define({
    name: 'synthetic_port_link_flaps_total',
    help: 'Times the link went down since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  bufferBytes: define({
    name: 'synthetic_port_buffer_bytes',
    help: 'Bytes queued in the port egress buffer.',
    type: 'gauge',
    labels: [LABEL.port],
  }),
  bufferCapacityBytes: define({
    name: 'synthetic_port_buffer_capacity_bytes',
    help: 'Size of the port egress buffer in bytes.',
    type: 'gauge',
    labels: [LABEL.port],
  }),
  receiveBytes: define({
    name: 'synthetic_port_receive_bytes_total',
    help: 'Bytes received since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  transmitBytes: define({
    name: 'synthetic_port_transmit_bytes_total',
    help: 'Bytes transmitted since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  receivePackets: define({
    name: 'synthetic_port_receive_packets_total',
    help: 'Packets received since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  transmitPackets: define({
    name: 'synthetic_port_transmit_packets_total',
    help: 'Packets transmitted since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  receiveErrors: define({
    name: 'synthetic_port_receive_errors_total',
    help: 'Receive errors since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  transmitErrors: define({
    name: 'synthetic_port_transmit_errors_total',
    help: 'Transmit errors since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  receiveDrops: define({
    name: 'synthetic_port_receive_drops_total',
    help: 'Received packets dropped since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  transmitDrops: define({
    name: 'synthetic_port_transmit_drops_total',
    help: 'Packets dropped before transmission (buffer full) since the device booted.',
    type: 'counter',
    labels: [LABEL.port],
  }),
  bootTime: define({
    name: 'synthetic_device_boot_time_seconds',
    help: 'Unix time of the last device boot; it moves when the device reboots and its counters reset.',
    type: 'gauge',
    labels: [],
  }),
  fleetDevices: define({
    name: 'synthetic_fleet_devices',
    help: 'Devices in the simulated fleet.',
    type: 'gauge',
    labels: [],
  }),
  fleetPorts: define({
    name: 'synthetic_fleet_ports',
    help: 'Ports in the simulated fleet.',
    type: 'gauge',
    labels: [],
  }),
} as const;

/**
 * The janitor's report on its last run, in its own group `{job="pushgate_janitor", stage}`:
 * what it found expired and what it deleted, per job it looks after (`collector_job`).
 */
export const JANITOR = {
  expiredGroups: define({
    name: 'janitor_expired_groups',
    help: 'Groups of this job older than its TTL found in the last janitor run (deleted or not).',
    type: 'gauge',
    labels: [LABEL.collectorJob],
  }),
  deletedGroups: define({
    name: 'janitor_deleted_groups',
    help: 'Groups of this job the last janitor run deleted (0 in a dry run).',
    type: 'gauge',
    labels: [LABEL.collectorJob],
  }),
  lastRunTimestamp: define({
    name: 'janitor_last_run_timestamp_seconds',
    help: 'Unix time at which the last janitor run ended.',
    type: 'gauge',
    labels: [],
  }),
} as const;

/**
 * The series a scrape stores about each target, beside its body (scrape/semantics.ts): the
 * names Prometheus gives them, the last three those of its extra-scrape-metrics feature.
 */
export const SCRAPE_REPORT = {
  up: 'up',
  duration: 'scrape_duration_seconds',
  samplesScraped: 'scrape_samples_scraped',
  samplesKept: 'scrape_samples_post_metric_relabeling',
  timeout: 'scrape_timeout_seconds',
  sampleLimit: 'scrape_sample_limit',
  bodyBytes: 'scrape_body_size_bytes',
} as const;

/**
 * The metric-name prefixes this product pushes under, and the Pushgateway's own (`push_*`). The
 * Pushgateway checks every push against every group it holds, so a scraped family under one
 * of these, given another type or help, would make our own pushes fail; a scrape drops them
 * (scrape/semantics.ts). Every family of this catalogue starts with one of them.
 */
export const RESERVED_METRIC_PREFIXES = [
  'akamai_estats_',
  'collector_',
  'synthetic_',
  'janitor_',
  'push_',
] as const;
