import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from './run-cli.ts';

describe('bad input gets a clear message, never a stack trace', () => {
  const run = runCli(['test', 'test/fixtures/bad-input']);

  it('fails the run', () => {
    expect(run.status).toBe(1);
  });

  it('prints no stack trace for any of the mistakes', () => {
    expect(run.output).not.toMatch(STACK_FRAME);
  });

  it('names the feature line of an inline YAML error', () => {
    expect(run.output).toContain(
      'error: error parsing the manifest at test/fixtures/bad-input/bad-input.feature:6: error converting YAML to JSON: yaml: line 5 (line 11 of the feature file): flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('names the file and line of a YAML error in a manifest file', () => {
    expect(run.output).toContain('error: error parsing test/fixtures/bad-input/broken.yaml: error converting YAML to JSON: yaml: line 6:');
  });

  it('says where it looked for a missing manifest', () => {
    expect(run.output).toContain('manifest "nope.yaml" not found: looked for test/fixtures/bad-input/nope.yaml and manifests/nope.yaml');
  });

  it('refuses a path outside the manifest folders', () => {
    expect(run.output).toContain('manifest "../../../../../etc/hostname" is outside the folders manifests are read from');
  });

  it('names an unknown kind as kubectl does', () => {
    expect(run.output).toContain('no matches for kind "Widget" in version "example.com/v1"');
  });

  it('names the field a schema refusal is about', () => {
    expect(run.output).toContain('The Pod "p" is invalid: spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"');
  });

  it('suggests the closest phrasings for an undefined step', () => {
    expect(run.output).toMatch(/No step matches this text\. The closest known phrasings are:\n\s+- \{int\} pod\(s\) of \{workload\} is\/are running/);
  });

  it('explains a step used before the cluster exists, and a missing pod', () => {
    expect(run.output).toContain('there is no cluster yet: start the scenario with a step such as "Given a cluster with 3 nodes"');
    expect(run.output).toContain('there is no pod "ghost" in namespace "default"');
  });

  it('reports Gherkin syntax errors by file and line and still runs the valid features', () => {
    const r = runCli(['test', 'test/fixtures/gherkin', 'features/pods/self-healing.feature']);
    expect(r.status).toBe(1);
    expect(r.output).toContain("test/fixtures/gherkin/broken.feature:4:3: not valid Gherkin: expected: #EOF");
    expect(r.output).toContain('2 scenarios (2 passed)');
    expect(r.output).not.toMatch(STACK_FRAME);
  });

  it('refuses paths that do not exist', () => {
    const r = runCli(['test', 'no/such/folder']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('kubecuke: no such feature file or folder: no/such/folder');
  });
});
