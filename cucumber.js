// Configuration for `npx cucumber-js` inside the repository (`kubecuke test` does the same from anywhere).
// Step definitions are TypeScript: tsx compiles them as they load.
import { register } from 'tsx/esm/api';

register();

export default {
  import: ['steps/*.ts'],
  format: ['./src/cli/formatter.ts'],
};
