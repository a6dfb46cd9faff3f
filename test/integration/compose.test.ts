import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * infra/docker-compose.yml cannot run here (no Docker engine): check what can be checked.
 * It parses; every file and folder it mounts exists; the Prometheus config it mounts targets
 * the compose services on their ports and loads the rules where they are mounted; the
 * Alertmanager secrets it mounts hold what the rendered config reads.
 */
const infra = join(__dirname, '..', '..', 'infra');
const composePath = join(infra, 'docker-compose.yml');
interface Service {
  image?: string;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  depends_on?: string[];
}
const compose = parse(readFileSync(composePath, 'utf8')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};

/** The bind mounts of a service, `${VAR:-default}` read as its default (nothing set). */
function mounts(service: string): Array<{ host: string; container: string }> {
  return (compose.services[service]?.volumes ?? [])
    .map((v) => v.replace(/\$\{[A-Z_]+:-([^}]+)\}/g, '$1').split(':'))
    .filter(([host]) => host?.startsWith('.'))
    .map(([host = '', container = '']) => ({
      host: resolve(dirname(composePath), host),
      container,
    }));
}

describe('docker-compose.yml', () => {
  it('defines the stack with pinned images', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'collectors',
      'grafana',
      'prometheus',
      'pushgateway',
      'victoriametrics',
    ]);
    for (const [name, service] of Object.entries(compose.services))
      expect([name, service.image]).toEqual([name, expect.stringMatching(/:[\w.-]+$/)]);
    for (const service of Object.values(compose.services))
      for (const dep of service.depends_on ?? []) expect(compose.services).toHaveProperty(dep);
  });

  it('adds a remote-write store in its own profile, which the collectors write to when SINKS says', () => {
    const store = compose.services.victoriametrics as { profiles?: string[] } | undefined;
    expect(store?.profiles).toEqual(['remote-write']);
    const collectors = compose.services.collectors as { environment?: Record<string, string> };
    expect(collectors.environment).toMatchObject({
      SINKS: '${SINKS:-pushgateway}',
      REMOTE_WRITE_URL: `http://victoriametrics:${compose.services.victoriametrics?.ports?.[0]?.split(':')[1]}/api/v1/write`,
    });
  });

  it('mounts only files and folders that exist', () => {
    const all = Object.keys(compose.services).flatMap(mounts);
    expect(all.length).toBeGreaterThan(5);
    for (const mount of all)
      expect([mount.host, existsSync(mount.host)]).toEqual([mount.host, true]);
  });

  it('gives Prometheus a config that scrapes the Pushgateway service with honor_labels and alerts to Alertmanager', () => {
    const configMount = mounts('prometheus').find(
      (m) => m.container === '/etc/prometheus/prometheus.yml',
    );
    const config = parse(readFileSync(configMount?.host ?? '', 'utf8')) as {
      rule_files: string[];
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
      scrape_configs: Array<{
        job_name: string;
        honor_labels?: boolean;
        static_configs: Array<{ targets: string[] }>;
      }>;
    };
    const pushgateway = config.scrape_configs.find((s) => s.job_name === 'pushgateway');
    expect(pushgateway?.honor_labels).toBe(true);
    expect(pushgateway?.static_configs[0]?.targets).toEqual([
      `pushgateway:${compose.services.pushgateway?.ports?.[0]?.split(':')[1]}`,
    ]);
    expect(config.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual([
      `alertmanager:${compose.services.alertmanager?.ports?.[0]?.split(':')[1]}`,
    ]);
    // The rules are loaded from where the compose file mounts the rendered rules.yml.
    const rules = mounts('prometheus').find((m) => m.host.endsWith(join('alerting', 'rules.yml')));
    expect(config.rule_files).toEqual([rules?.container]);
  });

  it('mounts the secrets and templates the rendered Alertmanager config reads', () => {
    const am = readFileSync(join(infra, 'alerting', 'alertmanager.yml'), 'utf8');
    const files = [...am.matchAll(/(?:api_url_file|credentials_file): (\S+)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      // The file itself, or the folder it is in (each channel's Slack webhook).
      const host = mounts('alertmanager').flatMap((m) =>
        m.container === file
          ? [m.host]
          : file.startsWith(`${m.container}/`)
            ? [join(m.host, file.slice(m.container.length + 1))]
            : [],
      )[0];
      expect([file, host !== undefined && existsSync(host)]).toEqual([file, true]);
    }
    expect(am).toContain('/etc/alertmanager/templates/*.tmpl');
    expect(mounts('alertmanager').some((m) => m.container === '/etc/alertmanager/templates')).toBe(
      true,
    );
  });

  it("keeps a real Slack webhook out of git, and the host's node_modules out of the container's reach", () => {
    const alertmanager = compose.services.alertmanager?.volumes ?? [];
    expect(alertmanager).toContain(
      '${SLACK_WEBHOOK_URL_DIR:-./compose/secrets/local-sink-slack}:/etc/alertmanager/secrets/slack:ro',
    );
    // Where the README tells users to put their webhooks: ignored by git, the local sink's
    // files beside it to copy, one for every channel the shipped config names.
    const ignored = spawnSync(
      'git',
      ['check-ignore', '-q', 'infra/compose/secrets/slack/cdn-alerts'],
      {
        cwd: join(infra, '..'),
      },
    );
    expect(ignored.status).toBe(0);
    const am = readFileSync(join(infra, 'alerting', 'alertmanager.yml'), 'utf8');
    const files = [...am.matchAll(/api_url_file: \/etc\/alertmanager\/secrets\/slack\/(\S+)/g)];
    expect(files.length).toBeGreaterThan(3);
    for (const [, channel] of files)
      expect([
        channel,
        existsSync(join(infra, 'compose', 'secrets', 'local-sink-slack', channel ?? '')),
      ]).toEqual([channel, true]);
    // npm ci in the container writes to a volume, not into the bind-mounted checkout.
    const collectors = compose.services.collectors?.volumes ?? [];
    expect(collectors).toContain('..:/app');
    const modules = collectors.find((v) => v.endsWith(':/app/node_modules'));
    expect(modules?.split(':')[0]).toMatch(/^[a-z][\w-]*$/);
    expect(compose.volumes).toHaveProperty(modules?.split(':')[0] ?? '');
  });

  it('provisions Grafana with the Prometheus datasource and the dashboards folder', () => {
    const provisioning = mounts('grafana').find((m) => m.container === '/etc/grafana/provisioning');
    const datasource = parse(
      readFileSync(join(provisioning?.host ?? '', 'datasources', 'prometheus.yml'), 'utf8'),
    ) as { datasources: Array<{ url: string; uid: string }> };
    expect(datasource.datasources[0]?.url).toBe(
      `http://prometheus:${compose.services.prometheus?.ports?.[0]?.split(':')[1]}`,
    );
    const provider = parse(
      readFileSync(join(provisioning?.host ?? '', 'dashboards', 'pushgate-collector.yml'), 'utf8'),
    ) as { providers: Array<{ options: { path: string } }> };
    expect(mounts('grafana').map((m) => m.container)).toContain(
      provider.providers[0]?.options.path,
    );
  });

  it('runs the collectors against the Pushgateway service', () => {
    const collectors = compose.services.collectors as Service & {
      environment: Record<string, string>;
    };
    expect(collectors.environment.PUSHGATEWAY_URL).toBe('http://pushgateway:9091');
    expect(collectors.command?.join(' ')).toContain('npm start -- --external-stack');
    const sink = readFileSync(
      join(infra, 'compose', 'secrets', 'local-sink-slack', 'cdn-alerts'),
      'utf8',
    ).trim();
    expect(sink).toBe(
      `http://collectors:${collectors.ports?.[0]?.split(':')[1]}/services/local/sink`,
    );
  });
});
