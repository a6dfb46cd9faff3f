import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAlertingFiles } from '../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import { isAlertingRule } from '../../src/alerting/types';
import { inputSeries, promtoolTest, scrapedFrom } from '../helpers/promtool';
import { runTool } from '../helpers/tools';

/**
 * Every shipped alert, proven with `promtool test rules`: one series history that fires it
 * (with its exact labels and annotations) and one that must not.
 */
const { files, rules } = buildAlertingFiles(DEFAULT_ALERTING_CONFIG, {
  runbooksDir: join(__dirname, '..', '..', 'docs', 'runbooks'),
});
const alerts = rules.groups.flatMap((g) => g.rules).filter(isAlertingRule);
const runbook = (alert: string) =>
  alerts.find((a) => a.alert === alert)?.annotations.runbook_url ?? '';
const common = { product: 'pushgate-collector' };
/** A target the scrape function delivered. */
const SCRAPED = { job: 'snmp', instance: 'switch-01' };

interface AlertCase {
  alert: string;
  /** Series history that fires the alert at `evalTime`, with the alert's labels and annotations. */
  firing: {
    series: Record<string, string>;
    evalTime: string;
    labels: Record<string, string>;
    summary: string;
    description: string;
  };
  /** A history that must not fire it. */
  quiet: { series: Record<string, string>; evalTime: string };
}

const CP = 'job="akamai_estats",cp_code="424242",delivery="STANDARD_TLS"';
const CP_LABELS = { job: 'akamai_estats', cp_code: '424242', delivery: 'STANDARD_TLS' };
const URL = 'https://www.example.com/a?b=1';
const PORT = 'job="synthetic_telemetry",fleet="default",device="switch-01",port="eth1"';
const PORT_LABELS = {
  job: 'synthetic_telemetry',
  fleet: 'default',
  device: 'switch-01',
  port: 'eth1',
};

const TC = 'job="akamai_traffic",cp_code="424242"';
const TC_LABELS = { job: 'akamai_traffic', cp_code: '424242' };
/** The CP code's name, from its info series, as the traffic alerts' texts show it. */
const TC_NAME = { [`akamai_traffic_target_info{${TC},name="shop-images"}`]: '1x240' };

const CASES: AlertCase[] = [
  {
    alert: 'AkamaiEdge5xxRatioHigh',
    firing: {
      series: {
        [`akamai_estats_status_class_ratio{${CP},direction="edge",status_class="5xx"}`]: '0.2x15',
        [`akamai_estats_hits{${CP},direction="edge"}`]: '2400x15',
      },
      evalTime: '10m',
      labels: {
        ...CP_LABELS,
        direction: 'edge',
        status_class: '5xx',
        severity: 'critical',
        team: 'cdn',
        ...common,
      },
      summary: 'Edge 5xx ratio 20% for CP code 424242 (STANDARD_TLS)',
      description:
        '20% of the hits Akamai served for CP code 424242 (STANDARD_TLS) were 5xx in the last eStats samples (threshold 5% unless overridden).',
    },
    // Same ratio, but a sample too small to mean anything.
    quiet: {
      series: {
        [`akamai_estats_status_class_ratio{${CP},direction="edge",status_class="5xx"}`]: '0.2x15',
        [`akamai_estats_hits{${CP},direction="edge"}`]: '50x15',
      },
      evalTime: '10m',
    },
  },
  {
    alert: 'AkamaiEdgeFailureRatioHigh',
    firing: {
      series: {
        [`akamai_estats_failure_ratio{${CP},direction="edge"}`]: '0.2x15',
        [`akamai_estats_hits{${CP},direction="edge"}`]: '2400x15',
      },
      evalTime: '10m',
      labels: { ...CP_LABELS, direction: 'edge', severity: 'warning', team: 'cdn', ...common },
      summary: 'Edge failure ratio 20% for CP code 424242 (STANDARD_TLS)',
      description:
        'Akamai reports 20% of edge hits for CP code 424242 (STANDARD_TLS) as failures (4xx and 5xx).',
    },
    quiet: {
      series: {
        [`akamai_estats_failure_ratio{${CP},direction="edge"}`]: '0.05x15',
        [`akamai_estats_hits{${CP},direction="edge"}`]: '2400x15',
      },
      evalTime: '10m',
    },
  },
  {
    alert: 'AkamaiOriginFailureRatioHigh',
    firing: {
      series: {
        [`akamai_estats_failure_ratio{job="akamai_estats",url="${URL}",direction="origin"}`]:
          '0.1x15',
        [`akamai_estats_hits{job="akamai_estats",url="${URL}",direction="origin"}`]: '600x15',
      },
      evalTime: '10m',
      labels: {
        job: 'akamai_estats',
        url: URL,
        direction: 'origin',
        severity: 'warning',
        team: 'cdn',
        ...common,
      },
      summary: `Origin failure ratio 10% for ${URL}`,
      description: `10% of the requests Akamai forwarded to the origin of ${URL} failed.`,
    },
    // A short blip shorter than "for".
    quiet: {
      series: {
        [`akamai_estats_failure_ratio{job="akamai_estats",url="${URL}",direction="origin"}`]:
          '0x6 0.5x2 0x6',
        [`akamai_estats_hits{job="akamai_estats",url="${URL}",direction="origin"}`]: '600x15',
      },
      evalTime: '10m',
    },
  },
  {
    alert: 'AkamaiTrafficVanished',
    firing: {
      series: { [`akamai_estats_hits{${CP},direction="edge"}`]: '2400x20 0x15' },
      evalTime: '30m',
      labels: { ...CP_LABELS, direction: 'edge', severity: 'critical', team: 'cdn', ...common },
      summary: 'No edge traffic for CP code 424242 (STANDARD_TLS)',
      description:
        'eStats shows no hits for CP code 424242 (STANDARD_TLS), which had more than 100 hits per sample in the last 1h: DNS, property activation or a client-side outage?',
    },
    // A target that never had traffic is not an outage.
    quiet: { series: { [`akamai_estats_hits{${CP},direction="edge"}`]: '0x35' }, evalTime: '30m' },
  },
  {
    alert: 'AkamaiEstatsTargetFailing',
    firing: {
      series: {
        [`akamai_estats_up{${CP}}`]: '0x10',
        [`akamai_estats_failure_info{${CP},reason="rate_limited"}`]: '1x10',
      },
      evalTime: '10m',
      labels: { ...CP_LABELS, reason: 'rate_limited', severity: 'warning', team: 'cdn', ...common },
      summary: 'eStats cannot be read for CP code 424242 (STANDARD_TLS) (rate_limited)',
      description:
        'The collector\'s eStats requests for CP code 424242 (STANDARD_TLS) fail with reason "rate_limited"; its status-code alerts are blind meanwhile.',
    },
    quiet: { series: { [`akamai_estats_up{${CP}}`]: '1x10' }, evalTime: '10m' },
  },
  {
    alert: 'AkamaiTrafficOffloadLow',
    firing: {
      series: {
        ...TC_NAME,
        [`akamai_traffic_hit_offload_ratio{${TC}}`]: '0.3x40',
        [`akamai_traffic_hits{${TC},direction="edge"}`]: '5000x40',
      },
      evalTime: '35m',
      labels: { ...TC_LABELS, severity: 'warning', team: 'cdn', ...common },
      summary: 'Hit offload 30% for CP code 424242 (shop-images)',
      description:
        'Akamai served only 30% of the edge hits of CP code 424242 (shop-images) from cache in its newest 5-minute buckets (threshold 50%): the rest went to the origin. A purge, a cache-key or TTL change, or uncacheable responses?',
    },
    // The same offload, but a trickle of traffic.
    quiet: {
      series: {
        [`akamai_traffic_hit_offload_ratio{${TC}}`]: '0.3x40',
        [`akamai_traffic_hits{${TC},direction="edge"}`]: '500x40',
      },
      evalTime: '35m',
    },
  },
  {
    alert: 'AkamaiTrafficOriginSurge',
    firing: {
      // Three hours at 1,000 origin hits a bucket, then ten times that.
      series: {
        ...TC_NAME,
        [`akamai_traffic_hits{${TC},direction="origin"}`]: '1000x180 10000x30',
      },
      evalTime: '205m',
      labels: { ...TC_LABELS, direction: 'origin', severity: 'warning', team: 'cdn', ...common },
      summary: 'Origin traffic surge for CP code 424242 (shop-images): 10000 hits per bucket',
      description:
        'Akamai forwarded 10000 hits of CP code 424242 (shop-images) to the origin in its newest 5-minute bucket, more than 3 times its average of the last 3h. The origin takes load the cache used to absorb.',
    },
    // As many origin hits, all along: its own baseline.
    quiet: {
      series: { [`akamai_traffic_hits{${TC},direction="origin"}`]: '10000x210' },
      evalTime: '205m',
    },
  },
  {
    alert: 'AkamaiTrafficDataStale',
    firing: {
      // The runs go on (up), but the newest bucket stays the one that ended at t=0.
      series: {
        ...TC_NAME,
        [`akamai_traffic_bucket_end_timestamp_seconds{${TC}}`]: '0x60',
        [`akamai_traffic_up{${TC}}`]: '1x60',
      },
      evalTime: '55m',
      labels: { ...TC_LABELS, severity: 'warning', team: 'cdn', ...common },
      summary: 'The newest traffic bucket of CP code 424242 (shop-images) ended 55m 0s ago',
      description:
        'The collector still runs for CP code 424242 (shop-images), but its newest 5-minute bucket ended 55m 0s ago, more than 45m: its reports fail (AkamaiTrafficTargetFailing says why) or no sink takes them. The traffic panels and alerts read old data; the next run that succeeds fills the gap within the backfill window.',
    },
    // A new bucket every minute of the history.
    quiet: {
      series: {
        [`akamai_traffic_bucket_end_timestamp_seconds{${TC}}`]: '0+60x60',
        [`akamai_traffic_up{${TC}}`]: '1x60',
      },
      evalTime: '55m',
    },
  },
  {
    alert: 'AkamaiTrafficTargetFailing',
    firing: {
      series: {
        ...TC_NAME,
        [`akamai_traffic_up{${TC}}`]: '0x20',
        [`akamai_traffic_failure_info{${TC},reason="unauthorized_cp_code"}`]: '1x20',
      },
      evalTime: '20m',
      labels: {
        ...TC_LABELS,
        reason: 'unauthorized_cp_code',
        severity: 'warning',
        team: 'cdn',
        ...common,
      },
      summary: 'Traffic cannot be read for CP code 424242 (shop-images) (unauthorized_cp_code)',
      description:
        'The collector\'s traffic reports for CP code 424242 (shop-images) fail with reason "unauthorized_cp_code"; its buckets are fetched again by the next run that succeeds, within the backfill window.',
    },
    quiet: { series: { [`akamai_traffic_up{${TC}}`]: '1x20' }, evalTime: '20m' },
  },
  {
    alert: 'CollectorGroupStale',
    firing: {
      // Last pushed at t=0 and never again.
      series: { 'push_time_seconds{job="akamai_estats",cp_code="424242",instance=""}': '0x20' },
      evalTime: '10m',
      labels: {
        job: 'akamai_estats',
        cp_code: '424242',
        severity: 'warning',
        team: 'observability',
        ...common,
      },
      summary: 'Pushgateway group akamai_estats not pushed for 10m 0s',
      description:
        'The group akamai_estats cp_code=424242 was last pushed 10m 0s ago, more than 3 schedule intervals: the collector stopped running or cannot reach the Pushgateway. Its values are stale.',
    },
    // Pushed every minute.
    quiet: {
      series: { 'push_time_seconds{job="akamai_estats",cp_code="424242",instance=""}': '0+60x20' },
      evalTime: '10m',
    },
  },
  {
    alert: 'CollectorPushFailing',
    firing: {
      series: {
        'push_failure_time_seconds{job="synthetic_telemetry",fleet="default",device="switch-01",instance=""}':
          '100x20',
        'push_time_seconds{job="synthetic_telemetry",fleet="default",device="switch-01",instance=""}':
          '50x20',
      },
      evalTime: '10m',
      labels: {
        job: 'synthetic_telemetry',
        fleet: 'default',
        device: 'switch-01',
        severity: 'warning',
        team: 'observability',
        ...common,
      },
      summary: 'Pushes to group synthetic_telemetry are refused by the Pushgateway',
      description:
        'The last push to the group synthetic_telemetry fleet=default device=switch-01 failed after its last success on at least one Pushgateway: it refuses the metrics (often inconsistent with another group). Nothing of those pushes was stored there.',
    },
    quiet: {
      series: {
        'push_failure_time_seconds{job="synthetic_telemetry",fleet="default",device="switch-01",instance=""}':
          '0x20',
        'push_time_seconds{job="synthetic_telemetry",fleet="default",device="switch-01",instance=""}':
          '50x20',
      },
      evalTime: '10m',
    },
  },
  {
    alert: 'CollectorRunsOutgrowInterval',
    // The eStats schedule's runs take 100 s of its 120 s: its API client's budget is spent.
    firing: {
      series: {
        'collector_run_duration_seconds{job="akamai_estats",schedule="shop"}': '100x20',
        'collector_schedule_interval_seconds{job="akamai_estats",schedule="shop"}': '120x20',
      },
      evalTime: '15m',
      labels: {
        job: 'akamai_estats',
        schedule: 'shop',
        severity: 'warning',
        team: 'observability',
        ...common,
      },
      summary: 'akamai_estats shop runs take 1m 40s, most of their interval',
      description:
        'The last runs of akamai_estats shop took 1m 40s, more than 80% of the schedule\'s interval: soon a run will not end before the next tick, and its targets end as "deadline". For eStats, its API clients\' budget is spent (collector_akamai_rate_wait_seconds, ..._throttled_requests on the Collector health dashboard): others use the client too, or the schedule asks more than packaging assumed.',
    },
    // One slow run among quick ones.
    quiet: {
      series: {
        'collector_run_duration_seconds{job="akamai_estats",schedule="shop"}': '30x8 110 30x10',
        'collector_schedule_interval_seconds{job="akamai_estats",schedule="shop"}': '120x20',
      },
      evalTime: '15m',
    },
  },
  {
    alert: 'CollectorPushgatewayMissedGroups',
    // The collector's report: pg-b took none of the last runs' 12 groups.
    firing: {
      series: {
        'collector_pushgateway_missed_groups{job="synthetic_telemetry",schedule="default",pushgateway="http://pg-a:9091"}':
          '0x10',
        'collector_pushgateway_missed_groups{job="synthetic_telemetry",schedule="default",pushgateway="http://pg-b:9091"}':
          '12x10',
      },
      evalTime: '10m',
      labels: {
        job: 'synthetic_telemetry',
        schedule: 'default',
        pushgateway: 'http://pg-b:9091',
        severity: 'warning',
        team: 'observability',
        ...common,
      },
      summary: 'synthetic_telemetry default could not push 12 group(s) to http://pg-b:9091',
      description:
        'The last run of synthetic_telemetry default could not push 12 of its groups to the Pushgateway http://pg-b:9091; the other Pushgateways took them (the quorum was met, or the run would have failed). That Pushgateway serves older values of those groups meanwhile, and if it is the last one up, they are stale.',
    },
    // One run missed, the next one healed it.
    quiet: {
      series: {
        'collector_pushgateway_missed_groups{job="synthetic_telemetry",schedule="default",pushgateway="http://pg-b:9091"}':
          '0 12 0x8',
      },
      evalTime: '10m',
    },
  },
  {
    alert: 'PushgatewayDown',
    // One of two Pushgateways down: a warning.
    firing: {
      series: {
        'up{job="pushgateway",instance="pgw-a:9091"}': '1 0x10',
        'up{job="pushgateway",instance="pgw-b:9091"}': '1x10',
      },
      evalTime: '5m',
      labels: {
        job: 'pushgateway',
        instance: 'pgw-a:9091',
        severity: 'warning',
        team: 'observability',
        ...common,
      },
      summary: 'Prometheus cannot scrape the Pushgateway pgw-a:9091',
      description:
        'Prometheus cannot scrape the Pushgateway pgw-a:9091, and collectors cannot push to it. With several Pushgateways the others still serve every group; with one, PushgatewaysAllDown fires too.',
    },
    quiet: {
      series: { 'up{job="pushgateway",instance="127.0.0.1:9091"}': '1x10' },
      evalTime: '5m',
    },
  },
  {
    alert: 'PushgatewaysAllDown',
    firing: {
      series: {
        'up{job="pushgateway",instance="pgw-a:9091"}': '1 0x10',
        'up{job="pushgateway",instance="pgw-b:9091"}': '1 0x10',
      },
      evalTime: '5m',
      labels: { job: 'pushgateway', severity: 'critical', team: 'observability', ...common },
      summary: 'Prometheus cannot scrape any Pushgateway',
      description:
        'Every pushed metric is invisible while no Pushgateway can be scraped, and collectors cannot push anywhere: their data of this time is lost.',
    },
    // One of two down is not all down.
    quiet: {
      series: {
        'up{job="pushgateway",instance="pgw-a:9091"}': '1 0x10',
        'up{job="pushgateway",instance="pgw-b:9091"}': '1x10',
      },
      evalTime: '5m',
    },
  },
  {
    alert: 'PushgatewayGroupsExpired',
    firing: {
      series: {
        'janitor_deleted_groups{job="pushgate_janitor",stage="prod",collector_job="akamai_estats"}':
          '0 3x5',
      },
      evalTime: '3m',
      labels: {
        job: 'pushgate_janitor',
        stage: 'prod',
        collector_job: 'akamai_estats',
        severity: 'info',
        team: 'observability',
        ...common,
      },
      summary: 'The janitor deleted 3 expired group(s) of akamai_estats',
      description:
        'Groups of akamai_estats (stage prod) were not pushed for longer than their TTL and were deleted: a target, device or schedule was removed without its groups being cleaned up, or a collector stopped long ago. The janitor log lists each group.',
    },
    // The next run found nothing more to delete.
    quiet: {
      series: {
        'janitor_deleted_groups{job="pushgate_janitor",stage="prod",collector_job="akamai_estats"}':
          '3 0x5',
      },
      evalTime: '3m',
    },
  },
  {
    alert: 'SyntheticPortLinkDown',
    firing: {
      series: { [`synthetic_port_link_up{${PORT}}`]: '1 0x5' },
      evalTime: '4m',
      labels: { ...PORT_LABELS, severity: 'warning', team: 'network', ...common },
      summary: 'Link down on switch-01 port eth1',
      description:
        'Port eth1 of switch-01 (fleet default) reports its link down; it carries no traffic.',
    },
    quiet: { series: { [`synthetic_port_link_up{${PORT}}`]: '1x5' }, evalTime: '4m' },
  },
  {
    alert: 'SyntheticPortBufferNearCapacity',
    firing: {
      series: {
        [`synthetic_port_buffer_bytes{${PORT}}`]: '3600000x10',
        [`synthetic_port_buffer_capacity_bytes{${PORT}}`]: '4000000x10',
      },
      evalTime: '8m',
      labels: { ...PORT_LABELS, severity: 'warning', team: 'network', ...common },
      summary: 'Buffer of switch-01 port eth1 90% full',
      description:
        'The egress buffer of port eth1 on switch-01 stays above the threshold: the port is congested and will drop packets.',
    },
    quiet: {
      series: {
        [`synthetic_port_buffer_bytes{${PORT}}`]: '1000000x10',
        [`synthetic_port_buffer_capacity_bytes{${PORT}}`]: '4000000x10',
      },
      evalTime: '8m',
    },
  },
  {
    alert: 'SyntheticPortNoTraffic',
    firing: {
      series: {
        [`synthetic_port_link_up{${PORT}}`]: '1x25',
        [`synthetic_port_receive_packets_total{${PORT}}`]: '100x25',
        [`synthetic_port_transmit_packets_total{${PORT}}`]: '100x25',
      },
      evalTime: '20m',
      labels: { ...PORT_LABELS, severity: 'warning', team: 'network', ...common },
      summary: 'Link up but no traffic on switch-01 port eth1',
      description: 'Port eth1 of switch-01 is up but neither receives nor transmits packets.',
    },
    quiet: {
      series: {
        [`synthetic_port_link_up{${PORT}}`]: '1x25',
        [`synthetic_port_receive_packets_total{${PORT}}`]: '0+6000x25',
        [`synthetic_port_transmit_packets_total{${PORT}}`]: '100x25',
      },
      evalTime: '20m',
    },
  },
  {
    alert: 'SyntheticDeviceRebooted',
    firing: {
      series: {
        'synthetic_device_boot_time_seconds{job="synthetic_telemetry",fleet="default",device="switch-01"}':
          '1000x5 2000x10',
      },
      evalTime: '7m',
      labels: {
        job: 'synthetic_telemetry',
        fleet: 'default',
        device: 'switch-01',
        severity: 'info',
        team: 'network',
        ...common,
      },
      summary: 'switch-01 rebooted',
      description:
        'The boot time of switch-01 (fleet default) changed in the last 15m: it rebooted and its counters restarted from zero.',
    },
    quiet: {
      series: {
        'synthetic_device_boot_time_seconds{job="synthetic_telemetry",fleet="default",device="switch-01"}':
          '1000x20',
      },
      evalTime: '7m',
    },
  },
  {
    alert: 'ScrapeTargetDown',
    firing: {
      series: {
        'up{job="snmp",instance="switch-01"}': '1 0x10',
        'push_time_seconds{job="snmp",instance="switch-01"}': '100x10',
      },
      evalTime: '5m',
      labels: { ...SCRAPED, severity: 'warning', team: 'network', ...common },
      summary: 'Scrape target switch-01 (job snmp) is down',
      description:
        'The scrape function\'s fetches of this target got no answer, an error status, a malformed body or more samples than the sample limit: its group holds up 0 and the scrape_* series, none of its old values. The function\'s log line "scrape target down" says which.',
    },
    // A target Prometheus scrapes itself (here a Pushgateway: PushgatewayDown's): not ours.
    quiet: {
      series: {
        'up{job="pushgateway",instance="pg-c:9091"}': '0x10',
        'push_time_seconds{job="snmp",instance="switch-01"}': '100x10',
      },
      evalTime: '5m',
    },
  },
  {
    alert: 'ScrapeTargetSlow',
    firing: {
      series: {
        'scrape_duration_seconds{job="snmp",instance="switch-01"}': '9x15',
        'scrape_timeout_seconds{job="snmp",instance="switch-01"}': '10x15',
        'push_time_seconds{job="snmp",instance="switch-01"}': '100x15',
      },
      evalTime: '12m',
      labels: { ...SCRAPED, severity: 'warning', team: 'network', ...common },
      summary: 'Scrape of switch-01 (job snmp) takes 90% of its timeout',
      description:
        'Fetching this target takes most of its timeoutSeconds: a little slower and it is down. An snmp_exporter walking a large switch, a probe of a slow URL or a congested path are the usual causes.',
    },
    quiet: {
      series: {
        'scrape_duration_seconds{job="snmp",instance="switch-01"}': '5x15',
        'scrape_timeout_seconds{job="snmp",instance="switch-01"}': '10x15',
        'push_time_seconds{job="snmp",instance="switch-01"}': '100x15',
      },
      evalTime: '12m',
    },
  },
  {
    alert: 'ScrapeSampleLimitExceeded',
    firing: {
      series: {
        'scrape_samples_post_metric_relabeling{job="snmp",instance="switch-01"}': '120x5',
        'scrape_sample_limit{job="snmp",instance="switch-01"}': '100x5',
        'push_time_seconds{job="snmp",instance="switch-01"}': '100x5',
      },
      evalTime: '2m',
      labels: { ...SCRAPED, severity: 'warning', team: 'network', ...common },
      summary: 'switch-01 (job snmp) exposes 120 samples, over its sample limit',
      description:
        "The target's body had more samples (after the metric lists) than the schedule's sampleLimit, so nothing of it was pushed and the target is down. Its series count grew: a new label value per request, more interfaces, a new exporter version.",
    },
    // No limit (0): any number is fine.
    quiet: {
      series: {
        'scrape_samples_post_metric_relabeling{job="snmp",instance="switch-01"}': '120x5',
        'scrape_sample_limit{job="snmp",instance="switch-01"}': '0x5',
        'push_time_seconds{job="snmp",instance="switch-01"}': '100x5',
      },
      evalTime: '2m',
    },
  },
];

describe('shipped alert rules', () => {
  it('pass promtool check rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'rules.yml'), files['rules.yml'] ?? '');
    const result = runTool('promtool', ['check', 'rules', join(dir, 'rules.yml')]);
    const all = rules.groups.flatMap((g) => g.rules).length;
    expect(all).toBeGreaterThan(alerts.length);
    expect(result.output).toContain(`SUCCESS: ${all} rules found`);
    expect(result.status).toBe(0);
  });

  it('have a firing and a quiet test for every alert', () => {
    expect(CASES.map((c) => c.alert).sort()).toEqual(alerts.map((a) => a.alert).sort());
  });

  // The same history on one Pushgateway, and on two: the same alerts, each once.
  const PUSHGATEWAYS = {
    'one Pushgateway': ['pg-a:9091'],
    'two Pushgateways': ['pg-a:9091', 'pg-b:9091'],
  };
  it.each(
    CASES.flatMap((c) =>
      Object.entries(PUSHGATEWAYS).map(
        ([count, instances]) => [c.alert, count, instances, c] as const,
      ),
    ),
  )(
    '%s fires on its history, with its labels and annotations, and stays quiet on the other (%s)',
    (alert, _count, instances, c) => {
      const result = promtoolTest(files['rules.yml'] ?? '', [
        {
          name: `${alert} fires`,
          interval: '1m',
          input_series: inputSeries(scrapedFrom(instances, c.firing.series)),
          alert_rule_test: [
            {
              eval_time: c.firing.evalTime,
              alertname: alert,
              exp_alerts: [
                {
                  exp_labels: c.firing.labels,
                  exp_annotations: {
                    summary: c.firing.summary,
                    description: c.firing.description,
                    runbook_url: runbook(alert),
                  },
                },
              ],
            },
          ],
        },
        {
          name: `${alert} stays quiet`,
          interval: '1m',
          input_series: inputSeries(scrapedFrom(instances, c.quiet.series)),
          alert_rule_test: [{ eval_time: c.quiet.evalTime, alertname: alert, exp_alerts: [] }],
        },
      ]);
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    },
  );

  it("names the target in its summary from the target's info series, on one Pushgateway or two", () => {
    const alert = 'AkamaiEstatsTargetFailing';
    const failing = (target: string) => ({
      [`akamai_estats_up{${target}}`]: '0x15',
      [`akamai_estats_failure_info{${target},reason="forbidden"}`]: '1x15',
    });
    const named = {
      ...failing(CP),
      [`akamai_estats_target_info{${CP},name="shop-images"}`]: '1x15',
      ...failing(`job="akamai_estats",url="${URL}"`),
      [`akamai_estats_target_info{job="akamai_estats",url="${URL}",name="Checkout \\"v2\\""}`]:
        '1x15',
    };
    for (const instances of Object.values(PUSHGATEWAYS)) {
      const result = promtoolTest(files['rules.yml'] ?? '', [
        {
          name: 'named targets',
          interval: '1m',
          input_series: inputSeries(scrapedFrom(instances, named)),
          alert_rule_test: [
            {
              eval_time: '10m',
              alertname: alert,
              exp_alerts: [
                {
                  exp_labels: {
                    ...CP_LABELS,
                    reason: 'forbidden',
                    severity: 'warning',
                    team: 'cdn',
                    ...common,
                  },
                  exp_annotations: {
                    summary:
                      'eStats cannot be read for CP code 424242 (shop-images) (STANDARD_TLS) (forbidden)',
                    description:
                      'The collector\'s eStats requests for CP code 424242 (shop-images) (STANDARD_TLS) fail with reason "forbidden"; its status-code alerts are blind meanwhile.',
                    runbook_url: runbook(alert),
                  },
                },
                {
                  exp_labels: {
                    job: 'akamai_estats',
                    url: URL,
                    reason: 'forbidden',
                    severity: 'warning',
                    team: 'cdn',
                    ...common,
                  },
                  exp_annotations: {
                    summary: `eStats cannot be read for ${URL} (Checkout "v2") (forbidden)`,
                    description: `The collector's eStats requests for ${URL} (Checkout "v2") fail with reason "forbidden"; its status-code alerts are blind meanwhile.`,
                    runbook_url: runbook(alert),
                  },
                },
              ],
            },
          ],
        },
      ]);
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    }
  });

  it('applies a per-CP-code override instead of the default threshold', () => {
    const config = structuredClone(DEFAULT_ALERTING_CONFIG);
    config.estats.edge5xxRatio.overrides = [{ cpCode: 424242, above: 0.3 }];
    const overridden = buildAlertingFiles(config).files['rules.yml'] ?? '';
    const history = (cp: string, ratio: number) => ({
      [`akamai_estats_status_class_ratio{job="akamai_estats",cp_code="${cp}",direction="edge",status_class="5xx"}`]: `${ratio}x15`,
      [`akamai_estats_hits{job="akamai_estats",cp_code="${cp}",direction="edge"}`]: '2400x15',
    });
    const result = promtoolTest(overridden, [
      {
        name: 'the noisy CP code is held to its own threshold, the others to the default',
        interval: '1m',
        input_series: inputSeries(
          scrapedFrom(['pg-a:9091'], { ...history('424242', 0.2), ...history('111', 0.2) }),
        ),
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'AkamaiEdge5xxRatioHigh',
            exp_alerts: [
              {
                exp_labels: {
                  job: 'akamai_estats',
                  cp_code: '111',
                  direction: 'edge',
                  status_class: '5xx',
                  severity: 'critical',
                  team: 'cdn',
                  ...common,
                },
                exp_annotations: {
                  summary: 'Edge 5xx ratio 20% for CP code 111',
                  description:
                    '20% of the hits Akamai served for CP code 111 were 5xx in the last eStats samples (threshold 5% unless overridden).',
                  runbook_url: runbook('AkamaiEdge5xxRatioHigh'),
                },
              },
            ],
          },
        ],
      },
    ]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});

/**
 * Two Pushgateways that disagree: one missed the last pushes (the collectors could not reach
 * it) and still serves older values. Each group is read from the one that took its last push.
 */
describe('with two Pushgateways that disagree', () => {
  const A = 'instance="pg-a:9091"';
  const B = 'instance="pg-b:9091"';
  const ratio = (instance: string) =>
    `akamai_estats_status_class_ratio{${CP},direction="edge",status_class="5xx",${instance}}`;
  const hits = (instance: string) => `akamai_estats_hits{${CP},direction="edge",${instance}}`;
  const pushTime = (instance: string) => `push_time_seconds{${CP},${instance}}`;
  // pg-a takes a push every minute; pg-b took none since t=0.
  const diverged = (fresh: number, old: number) => ({
    [ratio(A)]: `${fresh}x15`,
    [hits(A)]: '2400x15',
    [pushTime(A)]: '0+60x15',
    [ratio(B)]: `${old}x15`,
    [hits(B)]: '2400x15',
    [pushTime(B)]: '0x15',
  });
  // promtool passes only when the alert is not firing at 12m.
  const noneFiring = (alertname: string, series: Record<string, string>) =>
    promtoolTest(files['rules.yml'] ?? '', [
      {
        interval: '1m',
        input_series: inputSeries(series),
        promql_expr_test: [
          {
            expr: `count(ALERTS{alertname="${alertname}", alertstate="firing"})`,
            eval_time: '12m',
            exp_samples: [],
          },
        ],
      },
    ]);

  it('reads the fresh copy: an old high ratio on the one that missed pushes fires nothing', () => {
    const result = noneFiring('AkamaiEdge5xxRatioHigh', diverged(0.01, 0.5));
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('and a fresh high ratio fires once, though the other holds an old low one', () => {
    const result = promtoolTest(files['rules.yml'] ?? '', [
      {
        interval: '1m',
        input_series: inputSeries(diverged(0.5, 0.01)),
        promql_expr_test: [
          {
            expr: 'ALERTS{alertname="AkamaiEdge5xxRatioHigh", alertstate="firing"}',
            eval_time: '12m',
            exp_samples: [
              {
                labels: `ALERTS{alertname="AkamaiEdge5xxRatioHigh",alertstate="firing",${CP},direction="edge",status_class="5xx",severity="critical",team="cdn",product="pushgate-collector"}`,
                value: 1,
              },
            ],
          },
        ],
      },
    ]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('a group stale on one Pushgateway only is not stale', () => {
    const result = noneFiring('CollectorGroupStale', diverged(0.01, 0.01));
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
