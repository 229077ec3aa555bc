// `npm run schema`: writes schema/stack-file.schema.json (tools/stack-file-schema.ts) and
// docs/configuration.md (tools/configuration-reference.ts) from the zod schemas, so both say what
// the program checks. tests/tools/stack-file-schema.test.ts and configuration-reference.test.ts
// fail while either committed file is stale.
import * as fs from "fs";
import * as path from "path";
import { Command, CommandContext, displayPath, runAsProcess } from "./cli";
import { configurationReference, REFERENCE_FILE } from "./configuration-reference";
import { SCHEMA_FILE, stackFileSchemaText } from "./stack-file-schema";

export const SCHEMA: Command = {
    name: "schema",
    summary:
        `Writes ${SCHEMA_FILE}, the JSON Schema of Pulumi.<stack>.yaml, and ${REFERENCE_FILE}, the configuration reference,\n` +
        "from the zod schemas in schema/ and the cross-key checks. Run it after changing either; npm test fails while they are stale.",
    positionals: [],
    options: [],
};

export function schemaMain(_args: unknown, context: CommandContext): number {
    for (const [relative, text] of [
        [SCHEMA_FILE, stackFileSchemaText()],
        [REFERENCE_FILE, configurationReference()],
    ]) {
        const file = path.join(context.projectDir, relative);
        const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
        fs.writeFileSync(file, text);
        context.out(`${before === text ? "unchanged" : "wrote"} ${displayPath(file, context)}\n`);
    }
    return 0;
}

if (require.main === module) {
    runAsProcess(SCHEMA, schemaMain);
}
