// The committed stack file JSON Schema compiled once per process, for the tests that validate a stack
// file against it as an editor would (tests/tools/stack-file-schema.test.ts, tests/helpers/preview-checks.ts).
import * as fs from "fs";
import * as path from "path";
import Ajv2020, { ValidateFunction } from "ajv/dist/2020";
import { SCHEMA_FILE } from "../../tools/stack-file-schema";
import { PROJECT_DIR } from "../../tools/stack-files";

let validate: ValidateFunction | undefined;

/**
 * schema/stack-file.schema.json as ajv compiles it: strict, every error reported. Without ajv's
 * optimizer (ajv v8.20.0 options `code.optimize`): its passes only make the generated code smaller,
 * and on this 132 KB schema they cost more than a test's few validations can win back.
 */
export function stackFileValidator(): ValidateFunction {
    validate ??= new Ajv2020({
        strict: true,
        strictRequired: false,
        allErrors: true,
        code: { optimize: false },
    }).compile(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, SCHEMA_FILE), "utf8")));
    return validate;
}
