/** Storage: the phase of persistent volume claims. */
import { claimPhase } from '../src/harness/workload-checks.ts';
import { defineCheck } from './support.ts';

defineCheck('the persistent volume claim {string} is {claimPhase}', 2, (w, name: string, phase: 'bound' | 'pending' | 'lost') => claimPhase(w.ref(name), phase));
