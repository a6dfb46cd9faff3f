import type { PushgatewaySet } from '../pushgateway/pushgatewaySet';
import type { MetricsSink } from './types';

/** The Pushgateway(s): the group as text exposition, PUT (replace) or POST (merge). */
export function pushgatewaySink(pushgateways: Pick<PushgatewaySet, 'put' | 'post'>): MetricsSink {
  return {
    name: 'pushgateway',
    async write({ key, metrics, mode }, deadline) {
      const text = await metrics.text();
      if (mode === 'replace') await pushgateways.put(key, text, deadline);
      else await pushgateways.post(key, text, deadline);
    },
  };
}
