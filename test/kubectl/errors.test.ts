import { describe, it, expect } from 'vitest';
import { formatError, KubectlError, AggregateError, withSource, NoResourceMatchError } from '../../src/kubectl/errors.ts';
import { StatusError } from '../../src/engine/index.ts';
import { invalidObject, invalid, required, notFound, alreadyExists } from '../../src/engine/api/errors.ts';

const deployments = { groupResource: 'deployments.apps', group: 'apps', kind: 'Deployment' };

describe('error messages as cmdutil.CheckErr prints them', () => {
  it('prints server refusals with their reason', () => {
    expect(formatError(notFound(deployments, 'nope'))).toEqual({ text: 'Error from server (NotFound): deployments.apps "nope" not found\n', exitCode: 1 });
    expect(formatError(withSource('creating', 'web.yaml', alreadyExists(deployments, 'web'))).text).toBe(
      'Error from server (AlreadyExists): error when creating "web.yaml": deployments.apps "web" already exists\n',
    );
    expect(formatError(new StatusError({ reason: 'Unauthorized', code: 401, message: 'Unauthorized' })).text).toBe('error: You must be logged in to the server (Unauthorized)\n');
  });

  it('prints an invalid object by kind and name, one cause inline or several as a list', () => {
    const one = invalidObject('Deployment.apps', 'web', [invalid('spec.replicas', -1, 'must be greater than or equal to 0')]);
    expect(formatError(one).text).toBe('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
    const two = invalidObject('Pod', 'p', [required('spec.containers[0].image'), invalid('metadata.name', 'P!', 'a lowercase RFC 1123 subdomain')]);
    expect(formatError(withSource('creating', 'p.yaml', two)).text).toBe(
      'The Pod "p" is invalid: \n* spec.containers[0].image: Required value\n* metadata.name: Invalid value: "P!": a lowercase RFC 1123 subdomain\n',
    );
  });

  it('prefixes kubectl errors with error: and lists aggregates line by line', () => {
    expect(formatError(new NoResourceMatchError('foos')).text).toBe('error: the server doesn\'t have a resource type "foos"\n');
    expect(formatError(new KubectlError('error: already prefixed')).text).toBe('error: already prefixed\n');
    expect(formatError(new AggregateError([notFound(deployments, 'a')])).text).toBe('Error from server (NotFound): deployments.apps "a" not found\n');
    expect(formatError(new AggregateError([notFound(deployments, 'a'), new KubectlError('plain')])).text).toBe('Error from server (NotFound): deployments.apps "a" not found\nplain\n');
    expect(formatError(new TypeError('boom')).text).toBe('error: boom\n');
  });
});
