// The real stack files, parsed by the real config parser: tests pin the seed's values on them.
import { parseConfig, PlatformConfig } from "../../config";
import { readStackFile } from "../../tools/stack-files";

/** Parses Pulumi.<stack>.yaml; fails the test with the parser's messages if it is invalid. */
export function stackConfig(stack: string): PlatformConfig {
    const file = readStackFile(stack);
    const result = parseConfig(file.projectConfig, file.context);
    if (!result.ok) {
        throw new Error(`Pulumi.${stack}.yaml is invalid:\n${result.errors.join("\n")}`);
    }
    return result.config;
}
