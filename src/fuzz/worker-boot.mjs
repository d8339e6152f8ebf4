// A campaign worker's entry: loads the TypeScript sources through tsx, as bin/kubecuke.js does.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
