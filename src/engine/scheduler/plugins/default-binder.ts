/**
 * DefaultBinder (Bind): binds the pod to the chosen node through the API
 * server's pods/binding subresource.
 */
import { type BindPlugin, type Handle, SUCCESS, status } from '../framework.ts';

export const DEFAULT_BINDER = 'DefaultBinder';

export function defaultBinder(handle: Handle): BindPlugin {
  return {
    name: DEFAULT_BINDER,
    bind(_state, pod, nodeName) {
      try {
        handle.bind(pod, nodeName);
        return SUCCESS;
      } catch (e) {
        return status('Error', (e as Error).message);
      }
    },
  };
}
