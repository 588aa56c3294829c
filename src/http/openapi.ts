import { z } from "zod";
import { errorSchema, type Audience, type RouteSpec } from "../contract/api.js";

export type RouteSpecs = Readonly<Record<string, RouteSpec>>;

type JsonSchema = Record<string, unknown>;

/** `"PATCH /api/races/:stravaActivityId"` → its method and hono path. */
export function splitRouteKey(key: string): { method: string; path: string } {
  const [method, path] = key.split(" ");
  return { method: method!, path: path! };
}

/** hono's `:name` path parameters in OpenAPI's `{name}` form. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, "{$1}");

/** The OpenAPI 3.1 document of `routes`, every schema generated from the zod schemas the routes validate with. */
export function openApiDocument(routes: RouteSpecs, opts: { version: string; sessionCookie: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, spec] of Object.entries(routes)) {
    const { method, path } = splitRouteKey(key);
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operation(spec, path);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "racesync",
      version: opts.version,
      description: "Keeps a running club's Strava race activities in sync. JSON is snake_case; Strava ids are numbers.",
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, "output") },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: opts.sessionCookie, description: "set by Connect with Strava" },
        adminToken: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN: an admin on every route" },
      },
    },
  };
}

function operation(spec: RouteSpec, path: string) {
  return {
    summary: spec.summary,
    description: `Who: ${spec.who}.`,
    tags: [path.split("/")[path.startsWith("/api/") ? 2 : 1]],
    security: SECURITY[spec.who],
    parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
    ...(spec.body && { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } } }),
    responses: responses(spec),
  };
}

/** Alternatives (any one will do); `{}` means no credentials at all. */
const SECURITY: Record<Audience, object[]> = {
  anyone: [],
  Strava: [],
  ops: [],
  athlete: [{ session: [] }],
  member: [{ session: [] }, { adminToken: [] }],
  "board viewer": [{ session: [] }, { adminToken: [] }, {}],
  "owner or admin": [{ session: [] }, { adminToken: [] }],
  admin: [{ adminToken: [] }, { session: [] }],
};

const AUDIENCE_ERRORS: Record<Audience, number[]> = {
  anyone: [],
  Strava: [],
  ops: [],
  athlete: [401],
  member: [401],
  "board viewer": [401, 403],
  "owner or admin": [401, 403],
  admin: [401, 403],
};

const ERROR_TEXT: Record<number, string> = {
  400: "the request does not fit the schema (`field` names the first bad one); nothing was written",
  401: "not signed in",
  403: "not allowed",
  404: "no such thing",
  409: "conflicts with the current state",
  503: "not ready, or the database is unavailable",
};

function responses(spec: RouteSpec) {
  const takesInput = spec.params !== undefined || spec.query !== undefined || spec.body !== undefined;
  const errors = [...(takesInput ? [400] : []), ...AUDIENCE_ERRORS[spec.who], ...(spec.errors ?? [])];
  const errorAnswer = (status: number) => ({
    description: ERROR_TEXT[status],
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });
  return {
    [String(spec.status ?? 200)]: successAnswer(spec),
    ...Object.fromEntries([...new Set(errors)].sort((a, b) => a - b).map((status) => [String(status), errorAnswer(status)])),
  };
}

function successAnswer(spec: RouteSpec) {
  if (spec.response) return { description: "OK", content: { "application/json": { schema: jsonSchema(spec.response, "output") } } };
  if (spec.produces) return { description: spec.produces.description, content: { [spec.produces.contentType]: {} } };
  return { description: "done; no body" };
}

/** Path or query parameters: one per property of the (object) schema, as the client sends it. */
function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect): requests as clients send them (`input`), answers as sent (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}
