// The stack's configuration: the one reader of `pulumi.Config`, and the one pure parser of the
// project's keys. It validates each key against its own schema (schema/); rules across keys are
// `ConfigCheck`s composed in preflight.ts, which every entry point runs. Everything downstream
// takes the typed `PlatformConfig` it returns (docs/design/config.md).
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { didYouMean, valueAt } from "./config-path";
import { addonsSchema } from "./schema/addons";
import { guardrailsSchema } from "./schema/guardrails";
import { clusterSchema, namespaceSchema, networkSchema, nodeGroupsSchema } from "./schema/platform";
import { servicesSchema } from "./schema/services";
import { simulationSchema } from "./schema/simulation";

export type { MetricConfig, PdbConfig, ScalingRulesConfig, ServiceConfig } from "./schema/services";
export { pdbAllowedDisruptions } from "./schema/services";
export { type ConfigPath, closestKey, didYouMean, valueAt } from "./config-path";

/** The Pulumi project name: config keys are `berrys-platform:<key>`. */
export const PROJECT = "berrys-platform";

/** The root component's name (index.ts): its children's names start with it, e.g. `berrys-<group>-role`. */
export const ROOT_NAME = "berrys";

// No rule across these keys (those are ConfigChecks, preflight.ts): parseConfig parses each on its own.
export const configSchema = z.strictObject({
    cluster: clusterSchema
        .prefault({})
        .describe("The EKS cluster: Kubernetes minor, API endpoint access, control-plane logs, admins."),
    network: networkSchema
        .prefault({ mode: "create" })
        .describe("The VPC: `mode: create` (the default) builds one, `mode: existing` uses yours."),
    nodeGroups: nodeGroupsSchema,
    namespace: namespaceSchema.describe(
        "The services' namespace: name, Pod Security level, ResourceQuota, LimitRange, the services contract at admission.",
    ),
    services: servicesSchema,
    addons: addonsSchema,
    guardrails: guardrailsSchema,
    simulation: simulationSchema,
});

type ParsedConfig = z.output<typeof configSchema>;

/** What the program knows about where it runs, besides the project's own keys. */
export interface StackContext {
    /** The stack name (`pulumi stack`), e.g. `production`. */
    readonly stack: string;
    /** `aws:region` of the stack. */
    readonly region: string;
}

/** The stack's whole configuration, parsed, defaulted and validated. */
export type PlatformConfig = Omit<ParsedConfig, "cluster"> & {
    readonly cluster: ParsedConfig["cluster"] & { readonly name: string };
    readonly stack: string;
    readonly region: string;
};

export type ClusterConfig = PlatformConfig["cluster"];
export type NetworkConfig = PlatformConfig["network"];
export type NodeGroupConfig = PlatformConfig["nodeGroups"][string];
export type NamespaceConfig = PlatformConfig["namespace"];
export type ValidationAction = NamespaceConfig["admission"]["validationActions"][number];
export type AddonsConfig = PlatformConfig["addons"];
export type GuardrailsConfig = PlatformConfig["guardrails"];
export type SimulationConfig = PlatformConfig["simulation"];

/**
 * The config with every key that failed its own schema left out (its default taken where it has
 * one): the cross-key checks still run on it, so one run reports every problem.
 */
export interface SalvagedConfig {
    readonly config: PlatformConfig;
    /** The keys left out, as `keyName` writes them: messages naming one of them are not reported twice. */
    readonly dropped: readonly string[];
}

export type ParseResult =
    | { readonly ok: true; readonly config: PlatformConfig; readonly warnings: string[] }
    | { readonly ok: false; readonly errors: string[]; readonly salvaged?: SalvagedConfig };

/**
 * A check that needs the whole parsed config: returns messages in the `<key> (<value>) must ...`
 * form, the first line at most 200 characters, a second line for the fix where needed.
 */
export interface ConfigCheck {
    (config: PlatformConfig): { errors: string[]; warnings: string[] };
    /** The rule in a sentence, with the upstream limit it mirrors: the configuration reference prints it. */
    doc?: string;
}

/** What checks found, in the `ConfigCheck` message form: errors stop the program, warnings are logged. */
export interface CheckResult {
    readonly errors: readonly string[];
    readonly warnings: readonly string[];
}

/** A `ConfigCheck` carrying the sentence the configuration reference prints for it. */
export function configCheck(
    doc: string,
    check: (config: PlatformConfig) => { errors: string[]; warnings: string[] },
): ConfigCheck {
    return Object.assign(check, { doc });
}

/** `berrys-platform:services.api-gateway.maxReplicas`: how every message names a key. */
export function keyName(path: readonly PropertyKey[]): string {
    return `${PROJECT}:${path.map(String).join(".")}`;
}

/**
 * Parses the project's config, given as the object of its top-level keys (values already decoded
 * from JSON), for one stack. Pure: no Pulumi runtime, no environment. Every problem is reported,
 * not just the first.
 */
export function parseConfig(raw: Record<string, unknown>, context: StackContext): ParseResult {
    const errors: string[] = [];
    if (!context.region) {
        errors.push("aws:region is not set; set it with `pulumi config set aws:region <region>`, e.g. us-east-1");
    }
    const result = parseByKey(raw);
    const salvage = result.data !== undefined ? { data: result.data, dropped: [] } : salvageKeys(raw, result);
    if (result.issues !== undefined) {
        errors.push(...result.issues.flatMap((issue) => describeIssue(issue, raw)));
    }
    if (salvage === undefined) {
        return { ok: false, errors: unique(errors) };
    }
    const parsed = salvage.data;
    const config: PlatformConfig = {
        ...parsed,
        cluster: { ...parsed.cluster, name: parsed.cluster.name ?? `berrys-${context.stack}` },
        stack: context.stack,
        region: context.region,
    };
    if (errors.length > 0) {
        return { ok: false, errors: unique(errors), salvaged: { config, dropped: salvage.dropped } };
    }
    return { ok: true, config, warnings: utilizationWarnings(config) };
}

const TOP_LEVEL_SCHEMAS = Object.entries(configSchema.shape) as [string, z.ZodType][];

/** configSchema's own rule without its keys' schemas: a map of known keys. */
const topLevelKeysSchema = z.strictObject(
    Object.fromEntries(TOP_LEVEL_SCHEMAS.map(([key]) => [key, z.unknown().optional()])),
);

/**
 * zod's parse options here. `jitless`: without it zod compiles a function per object schema (`new
 * Function`) on its first parse, which measured no faster for a preview or the tuner's thousands of
 * candidates, and slower for the property tests' varied configs (docs/performance.md).
 */
const PARSE: z.core.ParseContext<z.core.$ZodIssue> = { jitless: true };

/** Each top-level key's own parse, with what configSchema.safeParse says of the whole config. */
type KeyedParse = { readonly byKey: ReadonlyMap<string, z.ZodSafeParseResult<unknown>> } & (
    | { readonly data: ParsedConfig; readonly issues?: undefined }
    | { readonly data?: undefined; readonly issues: readonly z.core.$ZodIssue[] }
);

/**
 * configSchema.safeParse(raw), one top-level key at a time (the schema has no rule across its keys),
 * taking `previous`'s result for each key not in `changed`: salvage parses again only the keys it
 * left something out of. The issues come in zod's order, the keys' in the schema's order, then the
 * unknown keys; as in zod's result, an optional key left out stays out.
 */
function parseByKey(
    raw: Record<string, unknown>,
    previous?: KeyedParse["byKey"],
    changed?: ReadonlySet<string>,
): KeyedParse {
    const known = topLevelKeysSchema.safeParse(raw, PARSE);
    if (!known.success && known.error.issues.some((issue) => issue.code !== "unrecognized_keys")) {
        // Not a map at all: zod's own answer for the whole.
        const whole = configSchema.safeParse(raw, PARSE);
        return whole.success
            ? { byKey: new Map(), data: whole.data }
            : { byKey: new Map(), issues: whole.error.issues };
    }
    const byKey = new Map<string, z.ZodSafeParseResult<unknown>>();
    const data: Record<string, unknown> = {};
    const issues: z.core.$ZodIssue[] = [];
    for (const [key, schema] of TOP_LEVEL_SCHEMAS) {
        const reused = changed?.has(key) ? undefined : previous?.get(key);
        const result = reused ?? schema.safeParse(raw[key], PARSE);
        byKey.set(key, result);
        if (result.success) {
            if (result.data !== undefined || key in raw) data[key] = result.data;
        } else {
            issues.push(...result.error.issues.map((issue) => ({ ...issue, path: [key, ...issue.path] })));
        }
    }
    issues.push(...(known.error?.issues ?? []));
    return issues.length > 0 ? { byKey, issues } : { byKey, data: data as ParsedConfig };
}

/**
 * The config with the keys its issues name left out, parsed again (a few rounds, as leaving a key
 * out may expose the next; a required key's parent goes instead): undefined when a top-level key
 * stays invalid or missing. Each round parses again only the top-level keys it changed.
 */
function salvageKeys(
    raw: Record<string, unknown>,
    first: KeyedParse,
): { data: ParsedConfig; dropped: string[] } | undefined {
    const current = { ...raw };
    const copies = new WeakSet<object>([current]);
    const dropped = new Set<string>();
    let parsed = first;
    for (let round = 0; round < 6 && parsed.issues !== undefined; round++) {
        const changed = new Set<string>();
        for (let path of parsed.issues.flatMap(issuePaths)) {
            // A key that is still missing once left out is required: leave out what holds it.
            while (path.length > 0 && dropped.has(keyName(path)) && valueAt(current, path) === undefined) {
                path = path.slice(0, -1);
            }
            if (path.length === 0) {
                return undefined;
            }
            dropped.add(keyName(path));
            deleteAt(current, path, copies);
            changed.add(String(path[0]));
        }
        parsed = parseByKey(current, parsed.byKey, changed);
    }
    return parsed.data !== undefined ? { data: parsed.data, dropped: [...dropped] } : undefined;
}

/** The key paths an issue is about: an unknown key's own path; a list element's list. */
function issuePaths(issue: z.core.$ZodIssue): PropertyKey[][] {
    const paths =
        issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [[...issue.path]];
    return paths.map((path) => {
        const trimmed = [...path];
        while (trimmed.length > 0 && typeof trimmed[trimmed.length - 1] === "number") trimmed.pop();
        return trimmed;
    });
}

/**
 * Deletes the key at `path` from `root`, first copying each map or list on the way that `copies`
 * does not hold: the caller's config stays as given, and only what salvage changes is copied.
 */
function deleteAt(root: Record<PropertyKey, unknown>, path: readonly PropertyKey[], copies: WeakSet<object>): void {
    let node = root;
    for (const key of path.slice(0, -1)) {
        const child = node[key];
        if (child === null || typeof child !== "object") {
            return;
        }
        let copy = child as Record<PropertyKey, unknown>;
        if (!copies.has(copy)) {
            copy = (Array.isArray(child) ? child.slice() : { ...child }) as Record<PropertyKey, unknown>;
            copies.add(copy);
            node[key] = copy;
        }
        node = copy;
    }
    delete node[path[path.length - 1]];
}

/**
 * Messages that name none of the `dropped` keys (those were reported as their own schema saw them).
 * A service or node group left out is also out of the keys named after it (simulation.services.<name>).
 */
export function withoutDropped(messages: readonly string[], dropped: readonly string[]): string[] {
    const patterns = dropped.map((key) => {
        const entry = new RegExp(`^${escapeRegExp(PROJECT)}:(services|nodeGroups)\\.([^.]+)$`).exec(key);
        return new RegExp(
            entry !== null
                ? `${escapeRegExp(PROJECT)}:([\\w-]+\\.)*${entry[1]}\\.${escapeRegExp(entry[2])}(?![\\w-])`
                : `${escapeRegExp(key)}(?![\\w-])`,
        );
    });
    return messages.filter((message) => !patterns.some((pattern) => pattern.test(message)));
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The project's keys and the stack's context, as the Pulumi runtime hands them to the program. */
export interface RawStackConfig {
    /** The project's top-level keys, without the `berrys-platform:` namespace, values decoded from JSON. */
    readonly raw: Record<string, unknown>;
    readonly context: StackContext;
}

/**
 * Reads the stack's config from the Pulumi runtime (as the CLI hands it to the program: every
 * value a string, objects as JSON). preflight.ts parses and checks it.
 */
export function readStackConfig(): RawStackConfig {
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith(`${PROJECT}:`)) {
            raw[key.slice(PROJECT.length + 1)] = decode(value);
        }
    }
    return { raw, context: { stack: pulumi.getStack(), region: all["aws:region"] ?? "" } };
}

/** The text preflight, `render` and `simulate` print for invalid config. */
export function formatErrors(errors: readonly string[]): string {
    return `Invalid configuration (${errors.length} problem${errors.length === 1 ? "" : "s"}):\n` + formatList(errors);
}

/** Messages as a list: `  - <first line>`, the fix line under it. */
export function formatList(messages: readonly string[]): string {
    return messages.map((message) => `  - ${message.replace(/\n/g, "\n    ")}`).join("\n");
}

function decode(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

function utilizationWarnings(config: PlatformConfig): string[] {
    const warnings: string[] = [];
    for (const [service, settings] of Object.entries(config.services)) {
        settings.metrics.forEach((metric, index) => {
            if (
                metric.type === "Resource" &&
                metric.averageUtilization !== undefined &&
                metric.averageUtilization > 100
            ) {
                warnings.push(
                    `${keyName(["services", service, "metrics", index, "averageUtilization"])} (${metric.averageUtilization}) is above 100: ` +
                        `pods run past their ${metric.name} requests before the HPA scales out`,
                );
            }
        });
    }
    return warnings;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string[] {
    const at = (path: readonly PropertyKey[]) => `${keyName(path)}${describeValue(valueAt(raw, path))}`;
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((key) => {
                const known = knownKeys(configSchema, issue.path);
                const typo = didYouMean(key, known);
                const hint =
                    known.length > 0 ? `${typo ? ` (${typo})` : ""}\nknown keys here: ${known.join(", ")}` : "";
                return `${keyName([...issue.path, key])} is not a known key${hint}`;
            });
        case "invalid_type": {
            // The schema's own words ("must be a map from service name to its settings") when it has them.
            const rule = issue.message.startsWith("must ") ? issue.message : `must be ${article(issue.expected)}`;
            const value = valueAt(raw, issue.path);
            if (value === undefined) {
                return [`${keyName(issue.path)} is required (${rule.replace(/^must (be )?/, "")})`];
            }
            return [`${at(issue.path)} ${rule}${issue.expected === "string" ? quoteHint(issue.path, value) : ""}`];
        }
        case "invalid_value": {
            const allowed = issue.values.map((value) => String(value)).join(", ");
            return [
                valueAt(raw, issue.path) === undefined
                    ? `${keyName(issue.path)} is required (one of ${allowed})`
                    : `${at(issue.path)} must be one of ${allowed}`,
            ];
        }
        case "invalid_key":
            // Zod puts the offending map key last on the path.
            return [`${keyName(issue.path)} (a key) ${issue.issues.map((inner) => inner.message).join("; ")}`];
        case "invalid_element":
            return issue.issues.flatMap((inner) =>
                describeIssue({ ...inner, path: [...issue.path, issue.key as PropertyKey, ...inner.path] }, raw),
            );
        case "invalid_union":
            if (valueAt(raw, issue.path) === undefined) {
                return [`${keyName(issue.path)} is required`];
            }
            return [`${at(issue.path)} ${issue.message.startsWith("must") ? issue.message : "is not valid"}`];
        default:
            return [`${at(issue.path)} ${issue.message}`];
    }
}

/** Zod's type names in the words of a stack file's author. */
function article(expected: string): string {
    const words: Record<string, string> = {
        object: "a map",
        record: "a map",
        map: "a map",
        array: "a list",
        int: "an integer",
        boolean: "true or false",
    };
    return words[expected] ?? (/^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`);
}

/**
 * A number or boolean where text belongs is almost always YAML reading an unquoted value: say how
 * to quote it. `version: 1.30` reads as the number 1.3, so for a version the two-digit minor is shown.
 */
function quoteHint(path: readonly PropertyKey[], value: unknown): string {
    if (typeof value !== "number" && typeof value !== "boolean") return "";
    const key = String(path[path.length - 1]);
    const text =
        typeof value === "number" &&
        key.toLowerCase().endsWith("version") &&
        !Number.isInteger(value) &&
        value.toFixed(2) !== String(value)
            ? value.toFixed(2)
            : String(value);
    const misread = text !== String(value) ? ` (YAML reads an unquoted ${text} as the number ${value})` : "";
    return `; quote it in the stack file: ${key}: "${text}"${misread}`;
}

function describeValue(value: unknown): string {
    if (value === undefined) {
        return "";
    }
    const text = JSON.stringify(value) ?? String(value);
    return ` (${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** The keys an object schema at `path` accepts, to list them when a key is unknown. */
function knownKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
    let nodes: z.core.$ZodType[] = [schema];
    for (const key of [...path, undefined]) {
        nodes = nodes.flatMap(unwrap);
        if (key === undefined) {
            break;
        }
        nodes = nodes.flatMap((node) => {
            const def = node._zod.def as unknown as Record<string, unknown>;
            switch (def.type) {
                case "object": {
                    const child = (def.shape as Record<string, z.core.$ZodType>)[String(key)];
                    return child ? [child] : [];
                }
                case "record":
                    return [def.valueType as z.core.$ZodType];
                case "array":
                    return [def.element as z.core.$ZodType];
                default:
                    return [];
            }
        });
    }
    return unique(
        nodes.flatMap((node) => {
            const def = node._zod.def as unknown as Record<string, unknown>;
            if (def.type === "object") {
                return Object.keys(def.shape as object);
            }
            // A map with a fixed set of keys (the ResourceQuota's): those keys.
            const keyDef =
                def.type === "record"
                    ? ((def.keyType as z.core.$ZodType)._zod.def as unknown as Record<string, unknown>)
                    : undefined;
            return keyDef?.type === "enum" ? Object.values(keyDef.entries as Record<string, string>) : [];
        }),
    );
}

function unwrap(node: z.core.$ZodType): z.core.$ZodType[] {
    const def = node._zod.def as unknown as Record<string, unknown>;
    switch (def.type) {
        case "optional":
        case "default":
        case "prefault":
        case "nullable":
        case "readonly":
        case "catch":
            return unwrap(def.innerType as z.core.$ZodType);
        case "pipe":
            return unwrap(def.in as z.core.$ZodType);
        case "union":
            return (def.options as z.core.$ZodType[]).flatMap(unwrap);
        default:
            return [node];
    }
}

function unique<T>(items: readonly T[]): T[] {
    return [...new Set(items)];
}
