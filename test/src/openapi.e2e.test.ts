import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

/** The API's sources, where every documented class is declared. */
const API_SOURCES = fileURLToPath(new URL('../../apps/api/src/', import.meta.url));
/** Modules that run something when imported (the server, the CLIs, the parse worker), and tests. */
const NOT_IMPORTED = /(^main\.ts$|^cli\/|sheet-worker\.ts$|\.test\.ts$)/;
/** Where @nestjs/swagger keeps the properties a class declares with @ApiProperty(). */
const SWAGGER_PROPERTIES = 'swagger/apiModelPropertiesArray';

interface Documented {
  name: string;
  file: string;
  properties: string[];
}

/** Every class the API exports that declares documented properties (each once, however often re-exported). */
async function documentedClasses(): Promise<Documented[]> {
  const files = (readdirSync(API_SOURCES, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts') && !NOT_IMPORTED.test(file));
  const found = new Map<unknown, Documented>();
  for (const file of files) {
    const module = (await import(join(API_SOURCES, file))) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (typeof value !== 'function' || !value.prototype || found.has(value)) continue;
      const declared = Reflect.getMetadata(SWAGGER_PROPERTIES, value.prototype) as string[] | undefined;
      if (declared?.length) found.set(value, { name: value.name, file, properties: declared.map((p) => p.replace(/^:/, '')).sort() });
    }
  }
  return [...found.values()];
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(testCounty);
});

afterAll(async () => {
  await stack?.close();
});

describe('the OpenAPI document', () => {
  it('maps each documented class to a schema of its own name, so no body is documented with another class of the same name', async () => {
    const classes = await documentedClasses();
    expect(classes.length).toBeGreaterThan(30);
    const byName = new Map<string, Documented[]>();
    for (const entry of classes) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
    const shared = [...byName.entries()].filter(([, entries]) => entries.length > 1).map(([name, entries]) => `${name}: ${entries.map((e) => e.file).join(', ')}`);
    expect(shared).toEqual([]);

    const { body: document } = await stack.api.get('/api/openapi.json');
    const schemas = document.components.schemas as Record<string, { properties?: Record<string, unknown>; allOf?: unknown[] }>;
    for (const entry of classes) {
      const schema = schemas[entry.name];
      if (!schema?.properties) continue;
      expect(Object.keys(schema.properties).sort(), `schema ${entry.name} (${entry.file})`).toEqual(expect.arrayContaining(entry.properties));
    }
  });

  it('documents the body of an inspection finding and a campaign finding with their own fields', async () => {
    const { body: document } = await stack.api.get('/api/openapi.json');
    const bodyOf = (path: string) => {
      const ref = document.paths[path].post.requestBody.content['application/json'].schema.$ref as string;
      return Object.keys(document.components.schemas[ref.split('/').at(-1)!].properties);
    };
    expect(bodyOf('/api/inspections/{id}/findings')).toEqual(expect.arrayContaining(['place', 'responsibleUnitId', 'suggestedDueDate']));
    expect(bodyOf('/api/campaigns/{id}/findings')).toEqual(expect.arrayContaining(['checkId', 'title']));
    expect(bodyOf('/api/rectifications/{id}/progress')).toEqual(expect.arrayContaining(['summary']));
  });
});
