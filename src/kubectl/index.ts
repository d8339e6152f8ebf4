/**
 * kubectl over a Client: `runKubectl` for command lines, and typed
 * functions for the verbs steps use directly. Output and errors are
 * kubectl 1.33's.
 */
export { runKubectl } from './run.ts';
export type { KubectlContext, KubectlResult, LogProvider, LogLine, LogRequest } from './context.ts';
export { KubectlError, formatError } from './errors.ts';
export { parseManifests, type ManifestObject } from './manifests.ts';
export { resolveType, objectName, kindPrefix } from './resources.ts';
export { applyObject, type ApplyOutcome, type ApplyOptions, type ApplyOperation } from './verbs/apply.ts';
export { createObject } from './verbs/create.ts';
export { deleteObject } from './verbs/delete.ts';
export { scaleObject } from './verbs/scale.ts';
export { setImage, withImages } from './verbs/set-image.ts';
export { editMetadata } from './verbs/label.ts';
export { taintNode, parseTaint, parseTaints } from './verbs/taint.ts';
export { cordonNode, setSchedulable, type CordonResult } from './verbs/cordon.ts';
export { rollback } from './verbs/rollout-undo.ts';
export { rolloutStatus, type RolloutStatus } from './verbs/rollout-status.ts';
export { viewHistory } from './verbs/rollout-history.ts';
export { describeObject } from './printers/describe/index.ts';
export { tableFor } from './printers/tables/index.ts';
export { renderTable, formatLabels, type Table, type TableOptions } from './printers/table.ts';
export { podStatusReason } from './printers/tables/pods.ts';
export { nodeStatus } from './printers/tables/cluster.ts';
export { humanDuration, shortHumanDuration } from './printers/duration.ts';
export { goYaml, goJsonIndent } from './printers/serialize.ts';
