/** Autoscaling: what a HorizontalPodAutoscaler recommends. */
import { autoscalerWants } from '../src/harness/workload-checks.ts';
import { defineCheck } from './support.ts';

defineCheck('the horizontal pod autoscaler {string} wants {int} replica(s)', 2, (w, name: string, n: number) => autoscalerWants(w.ref(name), n));
