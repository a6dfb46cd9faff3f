import { ConfigurationError } from '../shared/errors';
import { parseSinkNames } from '../sinks/names';

/**
 * What packaging refuses on any stage but `local`: destinations that cannot be the real ones.
 * A deployed function that pushes to 127.0.0.1 or to an example domain fails every run, only
 * after the deploy; here the refusal names the param or field and the fix.
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

/** The stage params that say where the functions deliver (serverless.yml `params:`). */
export interface StageDestinations {
  sinks: string;
  pushgatewayUrl: string;
  remoteWriteUrl: string;
  graphiteHost: string;
}

const PARAMS_HINT = (stage: string, param: string, example: string) =>
  `set it for stage "${stage}": --param="${param}=${example}" on the command line, or params.${stage}.${param} in serverless.yml`;

/**
 * Every sink the stage names must be configured, and none may point at loopback or an
 * example domain: from Lambda, loopback is the function's own sandbox.
 */
export function checkDestinations(stage: string, params: StageDestinations): void {
  const sinks = parseSinkNames(params.sinks, `stage "${stage}": the sinks param`);
  if (sinks.includes('pushgateway')) {
    const urls = params.pushgatewayUrl
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean);
    if (urls.length === 0)
      throw new ConfigurationError(`stage "${stage}": the pushgatewayUrl param is empty`, {
        hint: PARAMS_HINT(stage, 'pushgatewayUrl', 'https://pushgateway.internal:9091'),
      });
    for (const url of urls)
      checkHost(stage, 'pushgatewayUrl', url, hostOfUrl(url, stage, 'pushgatewayUrl'), {
        example: 'https://pushgateway.internal:9091',
      });
  }
  if (sinks.includes('remote-write')) {
    if (!params.remoteWriteUrl)
      throw new ConfigurationError(
        `stage "${stage}": the sinks param names remote-write, but the remoteWriteUrl param is empty`,
        {
          hint: `${PARAMS_HINT(stage, 'remoteWriteUrl', 'https://mimir.internal/api/v1/push')}; or leave remote-write out of sinks`,
        },
      );
    checkHost(
      stage,
      'remoteWriteUrl',
      params.remoteWriteUrl,
      hostOfUrl(params.remoteWriteUrl, stage, 'remoteWriteUrl'),
      { example: 'https://mimir.internal/api/v1/push' },
    );
  }
  if (sinks.includes('graphite')) {
    if (!params.graphiteHost)
      throw new ConfigurationError(
        `stage "${stage}": the sinks param names graphite, but the graphiteHost param is empty`,
        {
          hint: `${PARAMS_HINT(stage, 'graphiteHost', 'carbon.internal:2003')}; or leave graphite out of sinks`,
        },
      );
    const host = params.graphiteHost.replace(/:\d+$/, '');
    checkHost(stage, 'graphiteHost', params.graphiteHost, host, {
      example: 'carbon.internal:2003',
    });
  }
}

function hostOfUrl(url: string, stage: string, param: string): string {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new ConfigurationError(
      `stage "${stage}": the ${param} param ${JSON.stringify(url)} is not an absolute http:// or https:// URL`,
      { hint: PARAMS_HINT(stage, param, 'https://host:port') },
    );
  return new URL(url).hostname;
}

function checkHost(
  stage: string,
  param: string,
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
  const isDefault = param === 'pushgatewayUrl' && value === 'http://127.0.0.1:9091';
  throw new ConfigurationError(
    `stage "${stage}": the ${param} param is ${value}${isDefault ? ' (the default)' : ''}, ${why}`,
    { hint: PARAMS_HINT(stage, param, example) },
  );
}
