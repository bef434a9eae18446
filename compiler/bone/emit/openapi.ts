/** The OpenAPI 3.0 document of the generated API, built as data and printed as YAML. */
import type { EntityView, SystemView } from './model.js';

const errorRef = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export function buildOpenApi(view: SystemView): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message', 'details'],
          properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
        },
      },
    },
  };
  const security = (auth: boolean) => (auth ? { security: [{ bearerAuth: [] }] } : {});
  const authErrors = (auth: boolean): Record<string, unknown> => (auth ? { '401': errorRef('No or invalid token'), '403': errorRef('Missing role') } : {});

  paths['/health'] = { get: { operationId: 'health', summary: 'Liveness', responses: { '200': { description: 'OK' } } } };

  for (const entity of view.entities) {
    schemas[entity.name] = entitySchema(entity, 'full');
    schemas[`${entity.name}Create`] = entitySchema(entity, 'create');
    schemas[`${entity.name}Patch`] = entitySchema(entity, 'patch');
    const ref = { $ref: `#/components/schemas/${entity.name}` };
    const json = (schema: unknown) => ({ 'application/json': { schema } });
    const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
    paths[entity.route] = {
      get: {
        operationId: `list${entity.name}`,
        tags: [entity.name],
        ...security(entity.authRequired),
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ...entity.filterable.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
        ],
        responses: {
          '200': {
            description: `A page of ${entity.name}`,
            content: json({
              type: 'object',
              required: ['items', 'total', 'limit', 'offset'],
              properties: { items: { type: 'array', items: ref }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
            }),
          },
          ...authErrors(entity.authRequired),
        },
      },
      post: {
        operationId: `create${entity.name}`,
        tags: [entity.name],
        ...security(entity.authRequired),
        requestBody: { required: true, content: json({ $ref: `#/components/schemas/${entity.name}Create` }) },
        responses: { '201': { description: 'Created', content: json(ref) }, '400': errorRef('Invalid input'), '409': errorRef('Duplicate or reference conflict'), ...authErrors(entity.authRequired) },
      },
    };
    paths[`${entity.route}/{id}`] = {
      parameters: [idParam],
      get: { operationId: `get${entity.name}`, tags: [entity.name], ...security(entity.authRequired), responses: { '200': { description: 'Found', content: json(ref) }, '404': errorRef('Not found'), ...authErrors(entity.authRequired) } },
      patch: {
        operationId: `update${entity.name}`,
        tags: [entity.name],
        ...security(entity.authRequired),
        requestBody: { required: true, content: json({ $ref: `#/components/schemas/${entity.name}Patch` }) },
        responses: {
          '200': { description: 'Updated', content: json(ref) },
          '400': errorRef('Invalid input'),
          '404': errorRef('Not found'),
          '409': errorRef('Illegal state transition'),
          ...authErrors(entity.authRequired),
        },
      },
      delete: { operationId: `delete${entity.name}`, tags: [entity.name], ...security(entity.authRequired), responses: { '204': { description: 'Deleted' }, '404': errorRef('Not found'), '409': errorRef('Still referenced'), ...authErrors(entity.authRequired) } },
    };
    for (const link of entity.manyToMany) {
      const targetRef = { $ref: `#/components/schemas/${link.target}` };
      paths[`${entity.route}/{id}/${link.segment}`] = {
        parameters: [idParam],
        get: {
          operationId: `list${entity.name}${link.segment.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
          tags: [entity.name],
          ...security(entity.authRequired),
          responses: { '200': { description: `Linked ${link.target} rows`, content: json({ type: 'object', properties: { items: { type: 'array', items: targetRef }, total: { type: 'integer' } } }) }, '404': errorRef('Not found'), ...authErrors(entity.authRequired) },
        },
        post: {
          operationId: `link${entity.name}${link.segment.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
          tags: [entity.name],
          ...security(entity.authRequired),
          requestBody: { required: true, content: json({ type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } }) },
          responses: { '201': { description: 'Linked', content: json(targetRef) }, '404': errorRef('Not found'), '409': errorRef('Already linked'), ...authErrors(entity.authRequired) },
        },
      };
      paths[`${entity.route}/{id}/${link.segment}/{targetId}`] = {
        parameters: [idParam, { name: 'targetId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        delete: {
          operationId: `unlink${entity.name}${link.segment.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
          tags: [entity.name],
          ...security(entity.authRequired),
          responses: { '204': { description: 'Unlinked' }, '404': errorRef('Not linked'), ...authErrors(entity.authRequired) },
        },
      };
    }
    if (entity.hasStates) {
      paths[`${entity.route}/{id}/transition`] = {
        parameters: [idParam],
        post: {
          operationId: `transition${entity.name}`,
          tags: [entity.name],
          ...security(entity.authRequired),
          requestBody: { required: true, content: json({ type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string', enum: entity.states } } }) },
          responses: { '200': { description: 'Moved', content: json(ref) }, '404': errorRef('Not found'), '409': errorRef('Illegal transition'), ...authErrors(entity.authRequired) },
        },
      };
    }
  }

  for (const capability of view.capabilities) {
    const properties: Record<string, unknown> = {};
    for (const param of capability.params) properties[param.key] = param.entity ? { type: 'string', format: 'uuid' } : {};
    paths[capability.route] = {
      post: {
        operationId: capability.fnName,
        tags: ['capabilities'],
        summary: `capability ${capability.name}`,
        ...security(capability.authRequired),
        parameters: capability.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }] : [],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: capability.params.map((p) => p.key), properties } } },
        },
        responses: {
          '200': { description: 'Applied', content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
          '400': errorRef('Invalid input'),
          '404': errorRef('A referenced row does not exist'),
          '409': errorRef('A state requirement failed'),
          '422': errorRef('A requirement failed'),
          '504': errorRef('Timed out; nothing changed'),
          ...authErrors(capability.authRequired),
        },
      },
    };
  }
  for (const flow of view.flows) {
    paths[flow.route] = {
      post: {
        operationId: flow.fnName,
        tags: ['flows'],
        summary: `flow ${flow.name} (saga)`,
        ...security(flow.authRequired),
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: Object.fromEntries(flow.variables.map((v) => [v, {}])) } } } },
        responses: { '200': { description: 'Completed' }, '409': { description: 'A step failed; completed steps were compensated' } },
      },
    };
  }
  for (const extension of view.extensions) {
    const properties: Record<string, unknown> = {};
    for (const param of extension.params) properties[param.key] = param.entity ? { type: 'string', format: 'uuid' } : {};
    paths[extension.route] = {
      post: {
        operationId: `extension${extension.fnName[0]!.toUpperCase()}${extension.fnName.slice(1)}`,
        tags: ['extensions'],
        summary: `extension point ${extension.name}`,
        ...security(extension.authRequired),
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: extension.params.map((p) => p.key), properties } } },
        },
        responses: {
          '200': { description: 'Its value', content: { 'application/json': { schema: { type: 'object', required: ['value'], properties: { value: {} } } } } },
          '400': errorRef('Invalid input'),
          '404': errorRef('A referenced row does not exist'),
          '501': errorRef('Not implemented yet'),
          ...authErrors(extension.authRequired),
        },
      },
    };
  }
  paths['/events'] = {
    get: {
      operationId: 'listEvents',
      tags: ['events'],
      ...security(view.hasAuth),
      parameters: [{ name: 'event', in: 'query', schema: { type: 'string' } }],
      responses: { '200': { description: 'Outbox events' } },
    },
  };

  return {
    openapi: '3.0.3',
    info: { title: `${view.name} API`, version: '0.1.0', description: `Generated by smallcode bone compile from ${view.sourceFile}.` },
    servers: [{ url: 'http://127.0.0.1:3000' }],
    paths,
    components: { schemas, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}

function entitySchema(entity: EntityView, kind: 'full' | 'create' | 'patch'): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (kind === 'full') properties.id = { type: 'string', format: 'uuid' };
  for (const field of entity.fields) properties[field.name] = field.openapi;
  if (entity.hasStates && kind !== 'create') properties.state = { type: 'string', enum: entity.states };
  if (kind === 'full') {
    properties.created_at = { type: 'string', format: 'date-time' };
    properties.updated_at = { type: 'string', format: 'date-time' };
  }
  const required =
    kind === 'full'
      ? ['id', ...entity.fields.map((f) => f.name), ...(entity.hasStates ? ['state'] : []), 'created_at', 'updated_at']
      : kind === 'create'
        ? entity.fields.filter((f) => f.required).map((f) => f.name)
        : [];
  return { type: 'object', additionalProperties: kind === 'full', ...(required.length ? { required } : {}), properties };
}

export function openApiYaml(view: SystemView): string {
  return toYaml(buildOpenApi(view));
}

/**
 * Block-style YAML for plain JSON data. A general YAML library costs seconds on a 200-entity
 * document; this is linear and deterministic. Strings are written as JSON strings (valid YAML
 * double-quoted scalars) unless they are plainly safe; keys likewise.
 */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  write(value, 0, out);
  return `${out.join('\n')}\n`;
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./{}-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  return PLAIN.test(text) && !RESERVED.test(text) && !text.endsWith(' ') && !text.includes(': ') && !text.includes(' #') ? text : JSON.stringify(text);
}

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}

function write(value: unknown, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        // Write the item two deeper, then turn its first line's indent into the "- ".
        const first = out.length;
        write(item, indent + 2, out);
        out[first] = `${pad}- ${out[first]!.slice(indent + 2)}`;
      } else {
        out.push(`${pad}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const k = scalar(key);
    if (item !== null && typeof item === 'object' && !isEmpty(item)) {
      out.push(`${pad}${k}:`);
      write(item, Array.isArray(item) ? indent : indent + 2, out);
    } else {
      out.push(`${pad}${k}: ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
    }
  }
}
