/**
 * The engine's patch semantics kubectl uses beyond `applyPatch`: the
 * three-way and two-way strategic merge patches and the last-applied
 * annotation.
 */
export {
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  createMergePatch,
  jsonEqual,
  getLastApplied,
  withLastApplied,
  LAST_APPLIED_ANNOTATION,
} from '../engine/index.ts';
