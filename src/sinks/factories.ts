import type { SinkFactory } from './types';

/*
 * Each sink is loaded when SINKS names it, not with the bundle: a Pushgateway-only stage does
 * not evaluate protobufjs, snappyjs or the Graphite client at a cold start. Plain requires:
 * esbuild keeps them lazy (a dynamic import() would stay ESM in our CommonJS output).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const pushgateway = () => require('./pushgateway/sink') as typeof import('./pushgateway/sink');
const remoteWrite = () => require('./remoteWrite/sink') as typeof import('./remoteWrite/sink');
const graphite = () => require('./graphite/sink') as typeof import('./graphite/sink');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Every sink, one row each, by its name in SINKS. Adding a sink is its own folder and a row.
 */
export const SINK_FACTORIES = {
  pushgateway: {
    keeps: 'groups',
    readByRules: true,
    connect: (env, deadline, logger) => pushgateway().connectPushgatewaySink(env, deadline, logger),
  },
  'remote-write': {
    keeps: 'samples',
    readByRules: true,
    connect: (env, deadline, logger) => remoteWrite().connectRemoteWriteSink(env, deadline, logger),
  },
  // Prometheus reads nothing of Graphite: rules for a copy of its series read sample times.
  graphite: {
    keeps: 'samples',
    readByRules: false,
    connect: async (env) => graphite().connectGraphiteSink(env),
  },
} as const satisfies Record<string, SinkFactory>;

export type SinkName = keyof typeof SINK_FACTORIES;
export const SINK_NAMES = Object.keys(SINK_FACTORIES) as SinkName[];
