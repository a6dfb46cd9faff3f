import { ConfigurationError } from '../shared/errors';
import { parseSinkNames } from '../sinks/names';

/**
 * What packaging refuses on any stage but `local`: destinations that cannot be the real ones.
 * A deployed function that pushes to 127.0.0.1 or to an example domain fails every run, only
 * after the deploy; here the refusal names the setting or field and the fix.
 */

/** Hosts that mean "this machine" wherever they are resolved. */
export function isLocalOnly(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    name === '0.0.0.0' ||
    name === '::1' ||
    name === '::'
  );
}

/** Names reserved for documentation and examples (RFC 2606): never a real service. */
export function isExampleHost(host: string): boolean {
  const name = host.toLowerCase();
  return /(^|\.)example\.(com|net|org)$/.test(name) || /(^|\.)(example|invalid)$/.test(name);
}

/** The settings that say where the functions deliver (src/config/settings.ts). */
export interface StageDestinations {
  sinks: string;
  pushgatewayUrl: string;
  /**
   * A function's own Pushgateways in place of `pushgatewayUrl` (scrapePushgatewayUrl), by
   * setting: its value and an example for the message.
   */
  ownPushgatewayUrls?: Readonly<Record<string, { value: string; example: string }>>;
  remoteWriteUrl: string;
  graphiteHost: string;
}

const SETTING_HINT = (setting: string, example: string) =>
  `set functions.${setting} in the stage file, e.g. ${example} (or --param="${setting}=…" for one deploy)`;

/** The URLs of a comma-separated list. */
function listOf(urls: string): string[] {
  return urls
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}

/** A refusal of one setting: its field lets the stage file's loader place it. */
function refused(setting: string, message: string, hint: string): ConfigurationError {
  return new ConfigurationError(message, { hint, fields: [{ path: [setting], message }] });
}

/**
 * Every sink the stage names must be configured, and none may point at loopback or an
 * example domain: from Lambda, loopback is the function's own sandbox.
 */
export function checkDestinations(stage: string, settings: StageDestinations): void {
  const sinks = parseSinkNames(settings.sinks, 'the sinks setting');
  if (sinks.includes('pushgateway')) {
    const urls = listOf(settings.pushgatewayUrl);
    if (urls.length === 0)
      throw refused(
        'pushgatewayUrl',
        `stage "${stage}" delivers to a Pushgateway, but pushgatewayUrl is empty`,
        SETTING_HINT('pushgatewayUrl', 'https://pushgateway.internal:9091'),
      );
    for (const url of urls)
      checkHost(stage, 'pushgatewayUrl', url, hostOfUrl(url, 'pushgatewayUrl'), {
        example: 'https://pushgateway.internal:9091',
      });
    for (const [setting, { value, example }] of Object.entries(settings.ownPushgatewayUrls ?? {}))
      for (const url of listOf(value))
        checkHost(stage, setting, url, hostOfUrl(url, setting), { example });
  }
  if (sinks.includes('remote-write')) {
    if (!settings.remoteWriteUrl)
      throw refused(
        'remoteWriteUrl',
        'sinks names remote-write, but remoteWriteUrl is empty',
        `${SETTING_HINT('remoteWriteUrl', 'https://mimir.internal/api/v1/push')}; or leave remote-write out of sinks`,
      );
    checkHost(
      stage,
      'remoteWriteUrl',
      settings.remoteWriteUrl,
      hostOfUrl(settings.remoteWriteUrl, 'remoteWriteUrl'),
      { example: 'https://mimir.internal/api/v1/push' },
    );
  }
  if (sinks.includes('graphite')) {
    if (!settings.graphiteHost)
      throw refused(
        'graphiteHost',
        'sinks names graphite, but graphiteHost is empty',
        `${SETTING_HINT('graphiteHost', 'carbon.internal:2003')}; or leave graphite out of sinks`,
      );
    const host = settings.graphiteHost.replace(/:\d+$/, '');
    checkHost(stage, 'graphiteHost', settings.graphiteHost, host, {
      example: 'carbon.internal:2003',
    });
  }
}

function hostOfUrl(url: string, setting: string): string {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw refused(
      setting,
      `${JSON.stringify(url)} is not an absolute http:// or https:// URL`,
      SETTING_HINT(setting, 'https://host:port'),
    );
  return new URL(url).hostname;
}

function checkHost(
  stage: string,
  setting: string,
  value: string,
  host: string,
  { example }: { example: string },
): void {
  const why = isLocalOnly(host)
    ? 'loopback: from Lambda that is the function itself, so every run would fail'
    : isExampleHost(host)
      ? 'an example domain, not a real service'
      : undefined;
  if (why === undefined) return;
  const isDefault = setting === 'pushgatewayUrl' && value === 'http://127.0.0.1:9091';
  throw refused(
    setting,
    `${value}${isDefault ? ' (the default)' : ''} is ${why}, on stage "${stage}"`,
    SETTING_HINT(setting, example),
  );
}
