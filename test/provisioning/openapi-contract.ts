import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';

/**
 * Checks real API answers against docs/openapi.yaml: the status must be documented for the
 * operation and the JSON body must match its schema. Every call is recorded, so a suite can
 * finally assert that each documented operation was exercised with success and with errors.
 */
export const SPEC_PATH = path.join(__dirname, '..', '..', 'docs', 'openapi.yaml');

type Operation = { responses?: Record<string, unknown> };
type Spec = { paths: Record<string, Record<string, Operation>> };

export interface ContractCall {
  readonly method: string;
  readonly template: string;
  readonly status: number;
}

export class OpenApiContract {
  readonly spec: Spec;
  readonly calls: ContractCall[] = [];
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; re: RegExp }[];

  constructor() {
    this.spec = parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
    this.ajv.addSchema(this.spec as object, 'openapi');
    this.templates = Object.keys(this.spec.paths).map((template) => ({
      template,
      re: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** All documented operations as `METHOD /template`. */
  operations(): string[] {
    const methods = ['get', 'post', 'put', 'patch', 'delete'];
    return Object.entries(this.spec.paths).flatMap(([template, item]) =>
      Object.keys(item)
        .filter((m) => methods.includes(m))
        .map((m) => `${m.toUpperCase()} ${template}`),
    );
  }

  /** Throws with a readable reason when the answer breaks the contract. */
  check(method: string, apiPath: string, status: number, body: unknown): void {
    const pathname = apiPath.split('?')[0] ?? '';
    const match = this.templates.find((t) => t.re.test(pathname));
    if (!match) throw new Error(`${method} ${pathname} is not documented in openapi.yaml`);
    const op = this.spec.paths[match.template]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${match.template} is not documented in openapi.yaml`);
    this.calls.push({ method, template: match.template, status });
    const documented = op.responses ?? {};
    if (!(String(status) in documented))
      throw new Error(
        `${method} ${match.template} answered ${status}, which openapi.yaml does not document (${Object.keys(documented).join(', ')}); body: ${JSON.stringify(body)}`,
      );
    if (status === 204) return;
    const validate = this.validator(match.template, method.toLowerCase(), String(status));
    if (!validate(body))
      throw new Error(
        `${method} ${match.template} ${status}: body does not match openapi.yaml: ${this.ajv.errorsText(validate.errors)}; body: ${JSON.stringify(body).slice(0, 500)}`,
      );
  }

  private validator(template: string, method: string, status: string): ValidateFunction {
    const key = `${method} ${template} ${status}`;
    let v = this.cache.get(key);
    if (!v) {
      // A response may be a `$ref` to components/responses: follow it, then point at its schema.
      let pointer = ['paths', template, method, 'responses', status].map(escapePointer).join('/');
      let response = this.at(pointer) as { $ref?: string; content?: Record<string, unknown> };
      if (response.$ref) {
        pointer = response.$ref.slice(2);
        response = this.at(pointer) as typeof response;
      }
      v = response.content?.['application/json']
        ? this.ajv.compile({ $ref: `openapi#/${pointer}/content/application~1json/schema` })
        : this.ajv.compile({});
      this.cache.set(key, v);
    }
    return v;
  }

  private at(pointer: string): unknown {
    let node: unknown = this.spec;
    for (const raw of pointer.split('/'))
      node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
    return node;
  }
}

const escapePointer = (p: string) => p.replace(/~/g, '~0').replace(/\//g, '~1');
