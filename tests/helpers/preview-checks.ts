// What `pulumi preview` checks of a stack file, and nothing more: it parses, it matches the stack
// file's JSON Schema, the program's checks pass (errors throw, warnings are returned) and the
// program runs to its outputs under the mock engine. Tests of shipped or edited stacks use only this.
import * as fs from "fs";
import * as path from "path";
import { preflight } from "../../preflight";
import { runWithMocks, withoutStackTraces } from "../../tools/mock-engine";
import { loadProgram } from "../../tools/render";
import { SCHEMA_FILE } from "../../tools/stack-file-schema";
import { parseYaml, readStackFile, runtimeConfig } from "../../tools/stack-files";
import { stackFileValidator } from "./stack-file-validator";

export interface PreviewOutcome {
    /** What preview would log as warnings, each once. */
    readonly warnings: string[];
    /** How many resources the program registered. */
    readonly resources: number;
}

/** Checks `dir`/Pulumi.<stack>.yaml as preview would; throws with every problem found at the first failing step. */
export async function checkAsPreview(stack: string, dir: string): Promise<PreviewOutcome> {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const document = parseYaml(fs.readFileSync(file, "utf8"), path.basename(file));
    const validate = stackFileValidator();
    if (!validate(document)) {
        throw new Error(
            `${path.basename(file)} does not match ${SCHEMA_FILE}:\n${JSON.stringify(validate.errors, null, 2)}`,
        );
    }
    const stackFile = readStackFile(stack, dir);
    const checked = preflight(stackFile.projectConfig, stackFile.context);
    if (!checked.ok) {
        throw new Error(`${path.basename(file)}: preview would stop:\n${checked.message}`);
    }
    const run = await withoutStackTraces(() => runWithMocks({ stack, config: runtimeConfig(stackFile), loadProgram }));
    return { warnings: run.warnings, resources: run.registered.length };
}
