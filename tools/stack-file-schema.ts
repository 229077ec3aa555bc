// `npm run schema`: writes schema/stack-file.schema.json, a JSON Schema of a whole
// `Pulumi.<stack>.yaml`, generated from the zod schemas config.ts parses with, so editors complete
// and check the stack file with the program's own rules (docs/configuration.md).
// tests/tools/stack-file-schema.test.ts fails when the committed file is not what this generates.
//
// zod 4's toJSONSchema cannot represent the quantity transform or the int-or-percent check; with
// `{ io: "input", unrepresentable: "any" }` they would accept anything, so they get their own
// patterns here. Refinements across keys (minReplicas <= maxReplicas) stay with config.ts.
import * as path from "path";
import { z } from "zod";
import { configSchema, PROJECT } from "../config";
import { PERCENT_PATTERN, QUANTITY_PATTERN } from "../quantity";
import { intOrPercent, memoryQuantity, positiveQuantity, quantity } from "../schema/common";

export const SCHEMA_FILE = path.join("schema", "stack-file.schema.json");

type Json = Record<string, any>;

/**
 * Pulumi's own keys of a stack file (pulumi/pulumi v3.248.0 sdk/go/common/workspace/project.go
 * `ProjectStack`): secretsprovider, encryptedkey, encryptionsalt, config, environment (a list of
 * ESC environments or an inline definition, `Environment.UnmarshalYAML`).
 */
const PULUMI_KEYS: Json = {
    secretsprovider: {
        type: "string",
        description: "The stack's secrets provider (passphrase, awskms://..., default: the backend's).",
    },
    encryptedkey: {
        type: "string",
        description: "The data key for secrets, encrypted by a cloud secrets provider (written by Pulumi).",
    },
    encryptionsalt: { type: "string", description: "The salt of a passphrase secrets provider (written by Pulumi)." },
    environment: {
        description: "Pulumi ESC environments to import: a list of names, or an inline environment definition.",
        anyOf: [{ type: "array", items: { type: "string" } }, { type: "object" }],
    },
};

/**
 * A secret as Pulumi writes it (`pulumi config set --secret`): a map with the single key `secure`
 * (pulumi/pulumi v3.248.0 sdk/go/common/resource/config/object.go, "maps with the single key
 * secure are reserved"). The program sees the decrypted value, so any value may be one.
 */
const SECURE: Json = {
    type: "object",
    description: "An encrypted value (pulumi config set --secret)",
    properties: { secure: { type: "string" } },
    required: ["secure"],
    additionalProperties: false,
};

/**
 * The project's keys as JSON Schema, straight from the zod schemas (descriptions and defaults
 * included): the stack file's schema and docs/configuration.md are both made from it. Pure.
 */
export function projectJsonSchema(): Json {
    return z.toJSONSchema(configSchema, {
        target: "draft-2020-12",
        io: "input",
        unrepresentable: "any",
        override: (ctx) => {
            // By definition, not identity: `.describe()` makes a copy of the schema with the same definition.
            if ([quantity, positiveQuantity, memoryQuantity].some((each) => ctx.zodSchema._zod.def === each._zod.def)) {
                replace(ctx.jsonSchema, {
                    description: "A Kubernetes quantity such as 500m, 2, 512Mi or 48Gi",
                    anyOf: [
                        { type: "string", pattern: QUANTITY_PATTERN },
                        { type: "number", minimum: 0 },
                    ],
                });
            } else if (ctx.zodSchema._zod.def.type === "default" && ctx.jsonSchema.default === undefined) {
                // zod leaves out the default of a transformed value (a quantity) from an input schema.
                ctx.jsonSchema.default = (ctx.zodSchema._zod.def as unknown as { defaultValue: unknown }).defaultValue;
            } else if (ctx.zodSchema._zod.def === intOrPercent._zod.def) {
                replace(ctx.jsonSchema, {
                    description: 'A non-negative integer or a percentage such as "25%"',
                    anyOf: [
                        { type: "integer", minimum: 0 },
                        { type: "string", pattern: PERCENT_PATTERN },
                    ],
                });
            }
        },
    }) as Json;
}

/** The JSON Schema of one stack file of this project. Pure. */
export function stackFileSchema(): Json {
    const project = projectJsonSchema();
    const defs: Json = { secure: SECURE };
    for (const [name, def] of Object.entries((project.$defs ?? {}) as Json)) defs[name] = allowSecure(tidy(def));
    const properties: Json = {};
    for (const [key, schema] of Object.entries(project.properties as Json)) {
        defs[key] = allowSecure(tidy(schema));
        // A stack file may leave the project's own keys without the namespace (Pulumi adds it:
        // pulumi/pulumi v3.248.0 sdk/go/common/workspace/loaders.go `stackConfigNamespacedWithProject`).
        properties[`${PROJECT}:${key}`] = { $ref: `#/$defs/${key}` };
        properties[key] = { $ref: `#/$defs/${key}` };
    }
    properties["aws:region"] = {
        type: "string",
        description: "The AWS region of the stack, e.g. us-east-1 (required).",
    };
    // Required keys, with or without the namespace.
    const required = ((project.required ?? []) as string[]).map((key) => ({
        anyOf: [{ required: [`${PROJECT}:${key}`] }, { required: [key] }],
    }));
    return {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $comment: "Generated by `npm run schema` from the zod schemas (config.ts, schema/*.ts); do not edit by hand.",
        title: `Pulumi.<stack>.yaml of the ${PROJECT} project`,
        type: "object",
        properties: {
            ...PULUMI_KEYS,
            config: {
                type: "object",
                description: `The stack's config: the project's keys (${PROJECT}:<key>, or <key> alone) and other namespaces' keys (aws:region).`,
                properties,
                // Other namespaces' keys (aws:region, kubernetes:context): not this project's to check.
                patternProperties: { [`^(?!${escapeRegExp(PROJECT)}:)[^:]+:.+$`]: {} },
                additionalProperties: false,
                required: ["aws:region"],
                allOf: required,
            },
        },
        additionalProperties: false,
        $defs: defs,
    };
}

/** Replaces a node's schema, keeping the key's own description and default. */
function replace(target: Json, value: Json): void {
    const own = { description: target.description, default: target.default };
    for (const key of Object.keys(target)) delete target[key];
    Object.assign(target, value);
    if (own.description !== undefined) target.description = own.description;
    if (own.default !== undefined) target.default = own.default;
}

/**
 * Drops the ±2^53 bounds zod writes for every integer (noise to a reader of the schema) and
 * `defaultText`, the reference's wording of a default the program derives (no JSON Schema keyword).
 */
function tidy(node: any): any {
    if (Array.isArray(node)) return node.map(tidy);
    if (node === null || typeof node !== "object") return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
        if (
            (key === "maximum" && value === Number.MAX_SAFE_INTEGER) ||
            (key === "minimum" && value === Number.MIN_SAFE_INTEGER)
        )
            continue;
        if (key === "defaultText" && typeof value === "string") continue;
        out[key] = tidy(value);
    }
    return out;
}

const isContainer = (node: Json) =>
    node.type === "object" ||
    node.type === "array" ||
    node.$ref !== undefined ||
    node.properties !== undefined ||
    node.items !== undefined ||
    node.additionalProperties !== undefined;

/** Every plain value (string, number, boolean, enum, quantity) may also be a `{ secure: ... }` secret. */
function allowSecure(node: Json): Json {
    const branches = node.anyOf ?? node.oneOf;
    if (Array.isArray(branches) && (branches as Json[]).some(isContainer)) {
        return { ...node, [node.anyOf !== undefined ? "anyOf" : "oneOf"]: (branches as Json[]).map(allowSecure) };
    }
    if (isContainer(node)) {
        const out: Json = { ...node };
        if (node.properties !== undefined) {
            out.properties = Object.fromEntries(
                Object.entries(node.properties as Json).map(([key, value]) => [key, allowSecure(value)]),
            );
        }
        if (typeof node.additionalProperties === "object")
            out.additionalProperties = allowSecure(node.additionalProperties);
        if (typeof node.items === "object") out.items = allowSecure(node.items);
        return out;
    }
    // A discriminator (`mode: create`) picks the branch; a secret there would make no sense.
    if (node.const !== undefined || Object.keys(node).length === 0) return node;
    const { description, default: fallback, ...value } = node;
    return {
        ...(description !== undefined ? { description } : {}),
        ...(fallback !== undefined ? { default: fallback } : {}),
        anyOf: [value, { $ref: "#/$defs/secure" }],
    };
}

function escapeRegExp(text: string): string {
    // Not "-": outside a class, "\\-" is an error in the Unicode mode validators compile patterns in.
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The schema as the committed file holds it. */
export function stackFileSchemaText(): string {
    return `${JSON.stringify(stackFileSchema(), null, 2)}\n`;
}
