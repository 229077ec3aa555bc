// Reads a stack's `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: the
// project's keys without their `berrys-platform:` prefix, every other key (aws:region) as is.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT, StackContext } from "../config";
import { CommandError, PositionalSpec, PROJECT_DIR } from "./cli";

export { PROJECT_DIR };

export interface StackFile {
    /** The stack's `config:` map, every key with its namespace (`berrys-platform:services`, `aws:region`). */
    readonly config: Record<string, unknown>;
    /** The project's keys, without the namespace, as `parseConfig` takes them. */
    readonly projectConfig: Record<string, unknown>;
    readonly context: StackContext;
}

/** The stacks this repository ships a `Pulumi.<stack>.yaml` for. */
export function listStacks(dir = PROJECT_DIR): string[] {
    return fs
        .readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/** The `<stack>` argument of every command: one of the stacks the repository ships. */
export function stackArgument(): PositionalSpec {
    return {
        name: "stack",
        help: "the stack whose Pulumi.<stack>.yaml to use",
        choices: (context) => listStacks(context.projectDir),
        choicesName: "stacks",
    };
}

/** A stack file that is missing or not valid YAML: the message names the file (and line and column), as the repository root holds it. */
export class StackFileError extends CommandError {}

/**
 * Stack files already parsed, by path, with the text they were parsed from: the tests read the same
 * few files hundreds of times, and a changed text is parsed again.
 */
const parsedFiles = new Map<string, { readonly text: string; readonly document: unknown }>();

export function readStackFile(stack: string, dir = PROJECT_DIR): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new StackFileError(`no stack file ${path.basename(file)}; known stacks: ${listStacks(dir).join(", ")}`);
    }
    const text = fs.readFileSync(file, "utf8");
    let parsed = parsedFiles.get(file);
    if (parsed === undefined || parsed.text !== text) {
        parsed = { text, document: parseYaml(text, path.basename(file)) };
        parsedFiles.set(file, parsed);
    }
    // A copy: callers may change what they get (tests do) without changing the next reader's.
    const document = structuredClone(parsed.document);
    if (document !== null && (typeof document !== "object" || Array.isArray(document))) {
        throw new StackFileError(
            `${path.basename(file)}: must be a map with a config: key (a map from config key to its value)`,
        );
    }
    const config = (document as { config?: unknown } | null)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackFileError(
            `${path.basename(file)}: config must be a map from config key (berrys-platform:services, aws:region) to its value`,
        );
    }
    // A key without a namespace is the project's: Pulumi adds the project's name
    // (pulumi/pulumi v3.248.0 sdk/go/common/workspace/loaders.go stackConfigNamespacedWithProject).
    const all: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        const full = key.includes(":") ? key : `${PROJECT}:${key}`;
        if (full in all) {
            throw new StackFileError(
                `${path.basename(file)}: config sets ${full} twice (as ${PROJECT}:${full.slice(PROJECT.length + 1)} and as ${full.slice(PROJECT.length + 1)}); keep one`,
            );
        }
        all[full] = value;
    }
    const projectConfig: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith(`${PROJECT}:`)) {
            projectConfig[key.slice(PROJECT.length + 1)] = value;
        }
    }
    return { config: all, projectConfig, context: { stack, region: String(all["aws:region"] ?? "") } };
}

/**
 * YAML text as data; a syntax error becomes `<file>:<line>:<column>: <message>` and the lines around
 * it, as editors and terminals link them.
 */
export function parseYaml(text: string, file: string): unknown {
    try {
        return YAML.parse(text);
    } catch (error) {
        if (!(error instanceof YAML.YAMLError) || error.linePos === undefined) throw error;
        const { line, col } = error.linePos[0];
        const [message, excerpt] = splitYamlMessage(error.message);
        throw new StackFileError(`${file}:${line}:${col}: ${message}${excerpt !== "" ? `\n${excerpt}` : ""}`);
    }
}

/** The yaml package's message is "<what> at line L, column C:\n\n<excerpt>": the what, and the excerpt. */
function splitYamlMessage(message: string): [string, string] {
    const match = /^([\s\S]*?) at line \d+, column \d+:\n\n?([\s\S]*)$/.exec(message);
    if (match === null) return [message.split("\n")[0], ""];
    return [
        match[1],
        match[2]
            .replace(/\n+$/, "")
            .split("\n")
            .map((line) => `    ${line}`)
            .join("\n"),
    ];
}

/**
 * The stack's config as the Pulumi runtime holds it (`pulumi.runtime.setAllConfig` input): every
 * key fully qualified, every value a string, objects and lists as JSON.
 */
export function runtimeConfig(stackFile: StackFile): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(stackFile.config)) {
        flat[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return flat;
}
