/** Autoscaling: what a HorizontalPodAutoscaler recommends. */
import { R } from '../src/engine/index.ts';
import { autoscalerWants, eventRecordedForObject } from '../src/harness/workload-checks.ts';
import { defineCheck } from './support.ts';

defineCheck('the horizontal pod autoscaler {string} wants {int} replica(s)', 2, (w, name: string, n: number) => autoscalerWants(w.ref(name), n));
defineCheck('the event {string} was recorded for the horizontal pod autoscaler {string}', 2, (w, reason: string, name: string) =>
  eventRecordedForObject(reason, R.horizontalPodAutoscalers, w.ref(name), 'horizontal pod autoscaler'),
);
