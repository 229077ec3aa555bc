// The real stack files, parsed by the real config parser: tests pin the seed's values on them.
import { PlatformConfig } from "../../config";
import { checkConfig } from "../../preflight";
import { readStackFile } from "../../tools/stack-files";

/** Parses Pulumi.<stack>.yaml; fails the test with the parser's messages if it is invalid. */
export function stackConfig(stack: string): PlatformConfig {
    const file = readStackFile(stack);
    const result = checkConfig(file.projectConfig, file.context);
    if (!result.ok) {
        throw new Error(`Pulumi.${stack}.yaml is invalid:\n${result.errors.join("\n")}`);
    }
    return result.config;
}

/** A stack file with `change` applied to its project config (keys without the namespace), parsed. */
export function stackWith(stack: string, change: (raw: Record<string, any>) => void): PlatformConfig {
    const file = readStackFile(stack);
    const raw = structuredClone(file.projectConfig) as Record<string, any>;
    change(raw);
    const result = checkConfig(raw, file.context);
    if (!result.ok) {
        throw new Error(`Pulumi.${stack}.yaml with the test's change is invalid:\n${result.errors.join("\n")}`);
    }
    return result.config;
}
