/**
 * The engine's patch semantics kubectl uses beyond `applyPatch`: the
 * three-way and two-way strategic merge patches and the last-applied
 * annotation. This is the one place kubectl reaches past
 * src/engine/index.ts, until the engine's public surface exports these.
 */
export {
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  createMergePatch,
  jsonEqual,
  getLastApplied,
  withLastApplied,
  LAST_APPLIED_ANNOTATION,
} from '../engine/api/patch.ts';
