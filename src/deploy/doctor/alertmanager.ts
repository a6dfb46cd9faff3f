import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { alertmanagerSnippet } from '../../alerting/formats';
import { mergeAlertmanagerSnippet } from '../../alerting/merge';
import { ConfigurationError } from '../../shared/errors';
import type { SinkName } from '../../sinks/factories';
import { stageAlertingFiles } from '../alertingFiles';
import { type DoctorCheck, SkippedCheck } from './checks';

/** amtool's `check-config` of a file, or undefined when amtool is not installed here. */
export type CheckConfig = (file: string) => { ok: boolean; output: string } | undefined;

/**
 * The stage's Alertmanager routes merged into the config of your own Alertmanager (the file
 * it loads), as `npm run alerting:export -- --merge-into` merges them, and the result checked
 * by amtool. Nothing is written where your Alertmanager reads: the merge goes to a temporary
 * folder.
 */
export function alertmanagerCheck(options: {
  stageFile: string;
  stage: string;
  sinks: readonly SinkName[];
  params: Readonly<Record<string, string>>;
  /** --alertmanager-config FILE; without it the check is skipped, saying how to run it. */
  configFile: string | undefined;
  checkConfig: CheckConfig;
}): DoctorCheck {
  const { configFile } = options;
  return {
    subject: `Alertmanager config ${configFile ?? '(not given)'}`,
    run: async () => {
      if (!configFile)
        throw new SkippedCheck(
          'the merge of our routes into your Alertmanager config was not checked',
          'give the file your Alertmanager loads: npm run doctor -- --stage NAME --alertmanager-config FILE',
        );
      if (!existsSync(configFile))
        throw new ConfigurationError(`${configFile}: no such file`, {
          hint: 'give the path of the config file your Alertmanager loads',
        });
      const own = options.checkConfig(configFile);
      if (own && !own.ok)
        throw new ConfigurationError(
          `amtool refuses your config as it is, before any merge: ${lastLines(own.output)}`,
          { hint: `fix ${configFile} first (amtool check-config ${configFile})` },
        );
      const dir = mkdtempSync(join(tmpdir(), 'doctor-alertmanager-'));
      const rendered = stageAlertingFiles(options.stageFile, options.stage, {
        sinks: options.sinks,
        params: options.params,
        templatesDir: join(dir, 'templates'),
      });
      for (const [name, content] of Object.entries(rendered.files))
        if (name.startsWith('templates/')) {
          mkdirSync(dirname(join(dir, name)), { recursive: true });
          writeFileSync(join(dir, name), content);
        }
      const snippet = alertmanagerSnippet(rendered.alertmanager, rendered.export.namespace);
      const merged = join(dir, 'alertmanager.merged.yml');
      writeFileSync(
        merged,
        mergeAlertmanagerSnippet(readFileSync(configFile, 'utf8'), snippet, configFile),
      );
      const verdict = options.checkConfig(merged);
      if (verdict === undefined)
        throw new SkippedCheck(
          `our routes merge (${merged}), but amtool is not installed here to check the result`,
          'install amtool (Debian: prometheus-alertmanager) and run the doctor again',
        );
      if (!verdict.ok)
        throw new ConfigurationError(
          `amtool refuses the merged config (${merged}): ${lastLines(verdict.output)}`,
          {
            hint: `a name of yours clashes with ours, which all start with "${rendered.export.namespace}-": rename yours, or set another alerting.export.namespace in the stage file`,
          },
        );
      return `our ${snippet.receivers.length} receivers and routes merge; amtool check-config passes (${merged})`;
    },
  };
}

/** amtool's verdict without its banner: the lines that say what is wrong. */
function lastLines(output: string): string {
  return output
    .trim()
    .split('\n')
    .map((line) => line.replace(/^Checking '[^']*'\s*/, ''))
    .filter((line) => line !== '' && !line.startsWith('amtool: error'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
