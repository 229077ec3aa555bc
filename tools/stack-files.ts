// Reads a stack's `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: the
// project's keys without their `berrys-platform:` prefix, every other key (aws:region) as is.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT, StackContext } from "../config";

/** The repository root, where Pulumi.yaml and the stack files live. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface StackFile {
    /** The stack's `config:` map, keys as written (`berrys-platform:services`, `aws:region`). */
    readonly config: Record<string, unknown>;
    /** The project's keys, without the namespace, as `parseConfig` takes them. */
    readonly projectConfig: Record<string, unknown>;
    readonly context: StackContext;
}

/** The stacks this repository ships a `Pulumi.<stack>.yaml` for. */
export function listStacks(dir = PROJECT_DIR): string[] {
    return fs.readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

export function readStackFile(stack: string, dir = PROJECT_DIR): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${path.basename(file)}; known stacks: ${listStacks(dir).join(", ")}`);
    }
    const document = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config = document.config ?? {};
    const projectConfig: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${PROJECT}:`)) {
            projectConfig[key.slice(PROJECT.length + 1)] = value;
        }
    }
    return { config, projectConfig, context: { stack, region: String(config["aws:region"] ?? "") } };
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
